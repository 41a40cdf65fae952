/**
 * Run parameters of the fuzz properties: a fixed seed (so CI runs are the same every time and a failure
 * replays), a bounded number of runs (so the folder stays within CI's time), both overridable.
 *
 *   PERFHOUND_FUZZ_SEED=123        another seed (every property; the default is fixed per property)
 *   PERFHOUND_FUZZ_RUNS=10         ten times the runs of each property (a fraction such as 0.5 also works)
 *   PERFHOUND_FUZZ_PATH=3:1:0      with the seed, replay one shrunk counterexample fast-check printed
 *                                  (run one property with `-t "<its name>"`)
 *
 * @example
 * await fc.assert(fc.asyncProperty(input, async (x) => { … }), fuzzParams('ingest json', 40));
 */
import fc from 'fast-check';

/** Multiplier of every property's run count. */
export const RUN_SCALE = positive(process.env.PERFHOUND_FUZZ_RUNS, 1);

function positive(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`PERFHOUND_FUZZ_RUNS must be a positive number (got "${raw}")`);
  return n;
}

/** A stable 31-bit seed from the property's name: properties differ, runs of one property do not. */
function nameSeed(name: string): number {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 1;
}

export function fuzzParams<T>(name: string, baseRuns: number): fc.Parameters<T> {
  const seedEnv = process.env.PERFHOUND_FUZZ_SEED;
  const seed = seedEnv !== undefined && seedEnv.trim() !== '' ? Number(seedEnv) : nameSeed(name);
  if (!Number.isInteger(seed)) throw new Error(`PERFHOUND_FUZZ_SEED must be an integer (got "${seedEnv}")`);
  const path = process.env.PERFHOUND_FUZZ_PATH;
  return {
    seed,
    numRuns: Math.max(1, Math.round(baseRuns * RUN_SCALE)),
    ...(path ? { path } : {}),
    // Shrinking re-runs the property; the slow (child process) ones keep it bounded.
    endOnFailure: false,
    verbose: fc.VerbosityLevel.None,
  };
}

/**
 * Asserts a property and, when it fails, rethrows with the seed, the path and the minimal
 * counterexample in one message (what the final report of a run needs to name).
 */
export async function check<T>(name: string, property: fc.IAsyncProperty<T> | fc.IProperty<T>, baseRuns: number): Promise<void> {
  const params = fuzzParams<T>(name, baseRuns);
  const details = await fc.check(property as fc.IAsyncProperty<T>, params);
  if (!details.failed) return;
  const example = fc.stringify(details.counterexample);
  const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `property "${name}" failed after ${details.numRuns} runs (replay: PERFHOUND_FUZZ_SEED=${details.seed} PERFHOUND_FUZZ_PATH=${details.counterexamplePath})\n` +
      `counterexample: ${example.length > 2000 ? example.slice(0, 2000) + '…' : example}\n` +
      `violated: ${why}`,
  );
}
