/**
 * The uuids of the run metadata objects `JSON.parse` made while `read` ran (objects with a `benchmark`
 * field): what a test of "reads only the selected runs" compares with the runs it expects.
 */
export async function parsedRunUuids<T>(read: () => Promise<T>): Promise<{ result: T; parsed: string[] }> {
  const parsed: string[] = [];
  const original = JSON.parse;
  JSON.parse = ((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
    const out: unknown = original(text, reviver);
    if (out !== null && typeof out === 'object' && 'benchmark' in out) parsed.push(String((out as Record<string, unknown>).uuid));
    return out;
  }) as typeof JSON.parse;
  try {
    return { result: await read(), parsed: parsed.sort() };
  } finally {
    JSON.parse = original;
  }
}
