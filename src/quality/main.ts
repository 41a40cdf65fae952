/**
 * `npm run quality`: generates the labelled corpus, scores every method on it and writes
 * docs/detection-quality.md (a generated document, committed on purpose; deterministic).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { generateCorpus } from './corpus.js';
import { METHODS } from './methods.js';
import { qualityReport, scoreMethod } from './report.js';

const corpus = generateCorpus();
const delaySeries = corpus.filter((s) => s.scenario === 'step' && s.length === 500 && s.stepPercent >= 5 && s.id.endsWith('-r0'));
const results = METHODS.map((method) => {
  process.stderr.write(`quality: ${method.name}…\n`);
  return scoreMethod(method, corpus, delaySeries);
});
mkdirSync('docs', { recursive: true });
writeFileSync('docs/detection-quality.md', qualityReport(corpus, results) + '\n');
process.stderr.write('quality: wrote docs/detection-quality.md\n');
