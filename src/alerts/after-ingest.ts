import type { Store } from '../store/connect.js';
import { deliverDue, type PassResult } from './delivery.js';
import { runWatches, type WatchOutcome } from './watches.js';

/**
 * After an ingest that wrote runs: the watches whose analysis reads one of them run again; with `deliver`,
 * one delivery pass sends what they queued (what fails stays in the outbox for the next pass).
 */
export async function afterIngest(store: Store, writtenRuns: readonly string[], options: { deliver?: boolean } = {}): Promise<{ outcomes: WatchOutcome[]; delivery?: PassResult }> {
  if (writtenRuns.length === 0) return { outcomes: [] };
  const outcomes = await runWatches(store, { touched: new Set(writtenRuns) });
  const queued = outcomes.some((o) => o.notifications > 0);
  return { outcomes, ...(options.deliver && queued ? { delivery: await deliverDue(store) } : {}) };
}
