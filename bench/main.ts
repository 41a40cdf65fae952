/**
 * `npm run bench [-- NAME …]`: runs the named benchmarks (all by default) and prints their figures.
 * Each benchmark module exports `name`, `description` and `run(): Promise<void>`, printing its own lines.
 */
import { benchmarks } from './registry.js';

const wanted = process.argv.slice(2);
const selected = wanted.length ? benchmarks.filter((b) => wanted.includes(b.name)) : benchmarks;
if (wanted.length && selected.length !== wanted.length) {
  console.error(`unknown benchmark; known: ${benchmarks.map((b) => b.name).join(', ')}`);
  process.exit(1);
}
for (const bench of selected) {
  console.log(`\n## ${bench.name}: ${bench.description}`);
  await bench.run();
}
