/**
 * Choosing and opening a source from command-line style options: OpenSearch when a server is given (or
 * asked for), CSV when asked for, else the built-in store.
 *
 * @example
 * const opened = await openSource({ db: 'sqlite:./perfhound.db' });
 * try { … opened.source … } finally { await opened.close(); }
 *
 * Each source's code is imported only when chosen: the OpenSearch client (~0.5 MB bundled) spares a store
 * analysis its loading, and the store's (kysely, the migrations) an OpenSearch one.
 */
import type { Store } from '../store/connect.js';
import { resolveDbUrl } from '../store/url.js';
import { UserError } from '../util/errors.js';
import type { Source } from './types.js';

export type SourceKind = 'store' | 'opensearch' | 'csv';
export const SOURCE_KINDS: readonly SourceKind[] = ['store', 'opensearch', 'csv'];

export interface SourceSelection {
  source?: SourceKind;
  /** OpenSearch URL (`--es-server` / `ES_SERVER`). */
  esServer?: string;
  /** Store URL (`--db` / `PERFHOUND_DB`). */
  db?: string;
  /** CSV file (Otava's layout). */
  csvFile?: string;
  metadataIndex?: string;
  benchmarkIndex?: string;
}

export interface OpenedSource {
  source: Source;
  /** The store, when the source is the store (acks and regressions live there). */
  store?: Store;
  close(): Promise<void>;
}

export function chooseSourceKind(selection: SourceSelection): SourceKind {
  if (selection.source) return selection.source;
  if (selection.esServer) return 'opensearch';
  if (selection.csvFile) return 'csv';
  return 'store';
}

export async function openSource(selection: SourceSelection): Promise<OpenedSource> {
  const kind = chooseSourceKind(selection);
  if (kind === 'opensearch') {
    if (!selection.esServer) throw new UserError('--source opensearch needs --es-server URL (or ES_SERVER)', { field: '--es-server' });
    if (!selection.metadataIndex) throw new UserError('an OpenSearch analysis needs --metadata-index (Orion requires it too)', { field: '--metadata-index' });
    const { OpenSearchSource } = await import('./opensearch/index.js');
    const source = new OpenSearchSource({ url: selection.esServer, metadataIndex: selection.metadataIndex, benchmarkIndex: selection.benchmarkIndex });
    return { source, close: () => source.close() };
  }
  if (kind === 'csv') {
    if (!selection.csvFile) throw new UserError('--source csv needs --csv FILE', { field: '--csv' });
    const { CsvSource } = await import('./csv/index.js');
    const source = await CsvSource.open(selection.csvFile);
    return { source, close: () => source.close() };
  }
  const [{ openStore }, { StoreSource }] = await Promise.all([import('../store/connect.js'), import('./store/index.js')]);
  const store = await openStore(resolveDbUrl(selection.db));
  const source = new StoreSource(store, { metadataCollection: selection.metadataIndex, benchmarkCollection: selection.benchmarkIndex });
  return { source, store, close: () => store.close() };
}
