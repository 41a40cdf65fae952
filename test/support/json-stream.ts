/**
 * The JSON values of a stream printed value after value (Orion's `-o json`: one indented array per test).
 * Only the first line of each value starts in column 0 with `[` or `{`.
 *
 * @example
 * const [rows] = jsonValues<Row[]>(stdout);
 */
export function jsonValues<T = unknown>(text: string): T[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  return trimmed.split(/\n(?=[[{])/).map((part) => JSON.parse(part) as T);
}
