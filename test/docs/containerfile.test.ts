/**
 * The Containerfile (not built here: no base image registry) against the package it packs: every file it
 * copies from the build context exists, the final image holds everything the installed package holds
 * (package.json `files`) plus the production node_modules, its Node matches `engines`, and it runs the
 * package's bin as the daemon.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './markdown.js';

const text = readFileSync(join(REPO, 'Containerfile'), 'utf8');
const lines = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
const stages = text.split(/^FROM /m).slice(1);
const finalStage = stages.at(-1)!;
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { files: string[]; bin: Record<string, string>; engines: { node: string } };

describe('Containerfile', () => {
  it('copies only files that exist in the build context', () => {
    const copies = lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      for (const source of copy.split(/\s+/).slice(1, -1)) expect(existsSync(join(REPO, source)), `${copy}: ${source}`).toBe(true);
    }
  });

  it('gives the final image every file of the package and its production dependencies', () => {
    for (const entry of [...pkg.files, 'package.json', 'node_modules']) {
      expect(finalStage, entry).toMatch(new RegExp(`^COPY (--from=build /src/)?${entry} `, 'm'));
    }
    expect(stages[0]).toContain('npm prune --omit=dev');
  });

  it('uses the Node major of engines and runs the package bin as the daemon', () => {
    const major = /(\d+)/.exec(pkg.engines.node)![1];
    for (const stage of stages) expect(stage).toMatch(new RegExp(`^docker\\.io/library/node:${major}-`));
    expect(finalStage).toContain(`ln -s /opt/perfhound/${pkg.bin.perfhound} /usr/local/bin/perfhound`);
    expect(lines.at(-1)).toBe('CMD ["perfhound", "serve", "--host", "0.0.0.0", "--port", "8080"]');
  });
});
