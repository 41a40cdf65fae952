import type { Command } from 'commander';
import { runAnalysis } from '../analyze/index.js';
import { loadAnalysisConfig } from '../config/index.js';
import { loadDemo } from '../demo/load.js';
import { summarize } from '../ingest/report.js';
import { formatText } from '../output/text.js';
import { StoreSource } from '../sources/store/index.js';
import { packagePath } from '../util/package-root.js';
import { addDbOption, withStore } from './common.js';

/** The bundled Orion config the demo analyses with (data/demo/config.yaml, beside src/ and dist/). */
export const DEMO_CONFIG = packagePath('data/demo/config.yaml');

export function registerDemo(program: Command): void {
  addDbOption(
    program
      .command('demo')
      .description('load the bundled demo data set (3 kube-burner CI jobs, 64 nightly runs each) and find its regressions')
      .addHelpText(
        'after',
        '\nCreates the database if needed (default sqlite:./perfhound.db). Running it again replaces the demo runs.\n' +
          'The analysis is `perfhound analyze --config data/demo/config.yaml --metadata-index perf_scale_ci* --benchmark-index ripsaw-kube-burner*`.',
      ),
  ).action(async (flags: { db?: string }) => {
    await withStore(flags.db, async (store) => {
      const ingest = await loadDemo(store);
      process.stdout.write(summarize(ingest) + '\n\n');
      const config = await loadAnalysisConfig(DEMO_CONFIG, { env: {} });
      const source = new StoreSource(store, { metadataCollection: 'perf_scale_ci*', benchmarkCollection: 'ripsaw-kube-burner*' });
      const report = await runAnalysis(
        config,
        { metadataIndex: 'perf_scale_ci*', benchmarkIndex: 'ripsaw-kube-burner*' },
        { source, store, warn: (m) => process.stderr.write(`warning: ${m}\n`) },
      );
      process.stdout.write(formatText(report, { collapse: true }) + '\n');
      const found = report.tests.reduce((n, t) => n + t.changePoints.length, 0);
      process.stdout.write(
        `${found} regression(s) in ${report.tests.length} tests, recorded in ${store.display}.\n` +
          `See the tables: perfhound analyze --hunter-analyze --db ${store.display} --config ${DEMO_CONFIG} --metadata-index 'perf_scale_ci*' --benchmark-index 'ripsaw-kube-burner*'\n`,
      );
    });
  });
}
