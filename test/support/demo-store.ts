import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAnalysis } from '../../src/analyze/index.js';
import { loadAnalysisConfig } from '../../src/config/index.js';
import { loadDemo } from '../../src/demo/load.js';
import { StoreSource } from '../../src/sources/store/index.js';
import type { Store } from '../../src/store/connect.js';
import { ingestSeries } from '../test-results/series.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Loads the demo data set and records its regressions (as `perfhound demo`), then the subunit fixtures. */
export async function loadDemoStore(store: Store): Promise<void> {
  await loadDemo(store);
  const config = await loadAnalysisConfig(join(ROOT, 'data', 'demo', 'config.yaml'), { env: {} });
  const source = new StoreSource(store, { metadataCollection: 'perf_scale_ci*', benchmarkCollection: 'ripsaw-kube-burner*' });
  await runAnalysis(config, { metadataIndex: 'perf_scale_ci*', benchmarkIndex: 'ripsaw-kube-burner*' }, { source, store, warn: () => {} });
  await ingestSeries(store);
}
