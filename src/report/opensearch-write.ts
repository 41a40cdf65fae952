/**
 * Reports into an OpenSearch index (`--report-index`), as the DAG wrote `ci-reports`: the run uuid is
 * the document id, so writing again replaces (idempotent); `_bulk` requests of up to `batch` reports.
 *
 * @example
 * const writer = await openReportIndex('http://127.0.0.1:9200', 'ci-reports');
 * writer.add(report); … await writer.flush(); await writer.close();   // errors: writer.errors
 */
import { toJson } from '../util/json.js';
import { errorMessage } from '../util/errors.js';
import type { ReportDocument } from './document.js';

export interface ReportIndexWriter {
  add(report: ReportDocument): Promise<void>;
  flush(): Promise<void>;
  /** Reports written so far. */
  readonly written: number;
  /** One line per report (or request) that was refused. */
  readonly errors: string[];
  close(): Promise<void>;
}

export async function openReportIndex(url: string, index: string, batch = 200): Promise<ReportIndexWriter> {
  const { createClient } = await import('../sources/opensearch/client.js');
  const client = createClient(url);
  let pending: ReportDocument[] = [];
  let chain: Promise<void> = Promise.resolve();
  const writer = {
    written: 0,
    errors: [] as string[],
    async add(report: ReportDocument) {
      pending.push(report);
      if (pending.length >= batch) await writer.flush();
    },
    async flush() {
      const docs = pending;
      pending = [];
      if (docs.length) chain = chain.then(() => send(docs));
      await chain;
    },
    async close() {
      await writer.flush();
      await client.close();
    },
  };
  async function send(docs: ReportDocument[]): Promise<void> {
    const body = docs.map((d) => `${JSON.stringify({ index: { _index: index, _id: d.uuid } })}\n${toJson(d)}\n`).join('');
    try {
      const response = await client.bulk({ body: body as never, refresh: false });
      const items = (response.body as { items?: Array<Record<string, { _id?: string; status?: number; error?: { type?: string; reason?: string } }>> }).items ?? [];
      for (const item of items) {
        const result = Object.values(item)[0];
        if (result?.error) writer.errors.push(`report ${result._id}: ${result.error.type ?? 'error'}: ${result.error.reason ?? ''}`);
        else writer.written++;
      }
    } catch (err) {
      writer.errors.push(`writing ${docs.length} report(s) to index ${index} failed: ${errorMessage(err)}`);
    }
  }
  return writer;
}
