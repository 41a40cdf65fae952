import type { Command } from 'commander';

type Register = (program: Command) => void;

interface CommandEntry {
  /** The command's name and aliases as typed on the command line. */
  names: string[];
  load(): Promise<Register>;
}

/**
 * Every command of the CLI, one module each, in the order of `perfhound --help`. Modules are loaded
 * only when needed: `perfhound detect x.csv` loads the detect command alone, not the daemon's HTTP stack
 * or the OpenSearch client — start-up time is part of every command's run time.
 */
const COMMANDS: CommandEntry[] = [
  { names: ['demo'], load: async () => (await import('./demo.js')).registerDemo },
  { names: ['ingest'], load: async () => (await import('./ingest.js')).registerIngest },
  { names: ['runs'], load: async () => (await import('./runs.js')).registerRuns },
  { names: ['detect'], load: async () => (await import('./detect.js')).registerDetect },
  { names: ['otava'], load: async () => (await import('./otava.js')).registerOtava },
  { names: ['analyze', 'cmd-mode'], load: async () => (await import('./analyze.js')).registerAnalyze },
  { names: ['report'], load: async () => (await import('./report.js')).registerReport },
  { names: ['tests'], load: async () => (await import('./tests.js')).registerTests },
  { names: ['export'], load: async () => (await import('./export.js')).registerExport },
  { names: ['serve', 'daemon-mode'], load: async () => (await import('./serve.js')).registerServe },
  { names: ['experiment'], load: async () => (await import('./experiment.js')).registerExperiment },
  { names: ['token'], load: async () => (await import('./token.js')).registerToken },
  { names: ['db'], load: async () => (await import('./db.js')).registerDb },
  { names: ['completion'], load: async () => (await import('./completion.js')).registerCompletion },
];

/**
 * Registers the command named in `argv` — all of them when none is (`perfhound --help`, an unknown
 * command), none for a bare `--version`.
 */
export async function registerCommands(program: Command, argv: string[] = []): Promise<void> {
  const args = argv.slice(2);
  const word = args.find((a) => !a.startsWith('-'));
  const named = COMMANDS.filter((c) => word !== undefined && c.names.includes(word));
  const versionOnly = word === undefined && (args.includes('--version') || args.includes('-V'));
  const selected = named.length ? named : versionOnly ? [] : COMMANDS;
  const registers = await Promise.all(selected.map((c) => c.load()));
  for (const register of registers) register(program);
}
