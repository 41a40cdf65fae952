import type { Command } from 'commander';
import { loadDemo } from '../demo/load.js';
import { DEMO_JOBS } from '../demo/dataset.js';
import { listRuns } from '../store/runs.js';
import { renderTable } from '../output/table.js';
import { summarize } from '../ingest/report.js';
import { addDbOption, withStore } from './common.js';

export function registerDemo(program: Command): void {
  addDbOption(
    program
      .command('demo')
      .description('load the bundled demo data set (3 kube-burner CI jobs, 64 nightly runs each) and show what it holds')
      .addHelpText('after', '\nCreates the database if needed (default sqlite:./perfhound.db). Running it again replaces the demo runs.'),
  ).action(async (flags: { db?: string }) => {
    await withStore(flags.db, async (store) => {
      const report = await loadDemo(store);
      process.stdout.write(summarize(report) + '\n\n');
      const rows = [];
      for (const job of DEMO_JOBS) {
        const runs = await listRuns(store.db, { where: { benchmark: job.benchmark, platform: job.platform }, collection: 'perf_scale_ci' });
        rows.push([job.benchmark, job.platform, runs.length, runs[0]?.timestamp.slice(0, 10), runs.at(-1)?.timestamp.slice(0, 10)]);
      }
      process.stdout.write(renderTable(['test', 'platform', 'runs', 'first', 'last'], rows) + '\n');
      process.stdout.write(`\nStored in ${store.display}. Try: perfhound runs list --where benchmark=node-density --limit 5\n`);
    });
  });
}
