/** Reading the guides of docs/ for their tests: fenced blocks by language, with their info strings. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DOCS = join(REPO, 'docs');

export function readGuide(name: string): string {
  return readFileSync(join(DOCS, name), 'utf8');
}

export interface FencedBlock {
  /** The info string after the opening fence, e.g. `sh` or `yaml not-run`. */
  info: string;
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
}

export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    blocks.push({ info: open[1]!.trim(), body: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

export function sqlBlocks(markdown: string): string[] {
  return fencedBlocks(markdown)
    .filter((b) => b.info === 'sql')
    .map((b) => b.body);
}
