/**
 * `npm run quality`: generates the labelled corpus, scores every method on it and writes
 * docs/detection-quality.md (a generated document, committed on purpose; deterministic).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { generateCorpus } from './corpus.js';
import { METHODS } from './methods.js';
import { HELD_OUT_SEEDS, qualityReport, scoreMethod } from './report.js';

const corpus = generateCorpus();
const delaySeries = corpus.filter((s) => s.scenario === 'step' && s.length === 500 && s.stepPercent >= 5 && s.id.endsWith('-r0'));
const results = METHODS.map((method) => {
  process.stderr.write(`quality: ${method.name}…\n`);
  return scoreMethod(method, corpus, delaySeries);
});
// Held-out corpora: the same design from other seeds, scored for the two E-divisive modes only, to show
// whether the default's rules (chosen on the corpus above) hold on draws they were not chosen on.
const heldOut = HELD_OUT_SEEDS.map((seed) => {
  process.stderr.write(`quality: held-out seed ${seed}…\n`);
  const other = generateCorpus({ seed });
  return { seed, results: METHODS.filter((m) => m.name === 'otava' || m.name === 'perfhound').map((m) => scoreMethod(m, other)) };
});
mkdirSync('docs', { recursive: true });
writeFileSync('docs/detection-quality.md', qualityReport(corpus, results, heldOut) + '\n');
process.stderr.write('quality: wrote docs/detection-quality.md\n');
