import { createRequire } from 'node:module';
import type { Logger, pino as Pino } from 'pino';

/**
 * Logs go to stderr (stdout carries results). Level `warn` by default, `debug` with `--debug`,
 * overridable by `PERFHOUND_LOG_LEVEL`. On a terminal the lines are short and readable; when piped they
 * are pino's JSON lines, which log collectors expect.
 */
let current: Logger | undefined;

export function logger(): Logger {
  current ??= createLogger(process.env.PERFHOUND_LOG_LEVEL ?? 'warn');
  return current;
}

export function setLogLevel(level: string): void {
  logger().level = level;
}

function createLogger(level: string): Logger {
  // Loaded on the first log line, not at start-up: most commands never log.
  const { pino } = createRequire(import.meta.url)('pino') as { pino: typeof Pino };
  if (process.stderr.isTTY) {
    return pino(
      { level, base: undefined, timestamp: false },
      {
        write(line: string) {
          try {
            const rec = JSON.parse(line) as { level: number; msg: string } & Record<string, unknown>;
            const name = pino.levels.labels[rec.level] ?? 'log';
            const { level: _l, msg, ...rest } = rec;
            const extra = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
            process.stderr.write(`${name}: ${msg}${extra}\n`);
          } catch {
            process.stderr.write(line);
          }
        },
      },
    );
  }
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
}
