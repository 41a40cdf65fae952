import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Helpers for the test-metrics tests: fixtures under test/fixtures/subunit (see its README). */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'subunit');

export function fixtureBytes(relative: string): Buffer {
  const raw = readFileSync(join(FIXTURES, relative));
  return relative.endsWith('.gz') ? gunzipSync(raw) : raw;
}

/** A stream fixture as chunks of `size` bytes, so parsers see packets split across chunk boundaries. */
export function* chunked(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export function readJsonl<T>(relative: string): T[] {
  return fixtureBytes(relative)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export function readJson<T>(relative: string): T {
  return JSON.parse(fixtureBytes(relative).toString('utf8')) as T;
}

/** Epoch microseconds → the ISO form Python's `datetime.isoformat()` writes for UTC times. */
export function isoUs(us: number | null): string | null {
  if (us === null) return null;
  const ms = Math.floor(us / 1000);
  const base = new Date(ms).toISOString().slice(0, 19);
  const micros = String(us - Math.floor(us / 1_000_000) * 1_000_000).padStart(6, '0');
  return `${base}.${micros}+00:00`;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
