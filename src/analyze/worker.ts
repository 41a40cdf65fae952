/**
 * An analysis worker thread (started by parallel.ts): opens its own source from the selection it was
 * given, then analyses the tests the main thread asks for by index, one at a time, replying with each
 * report and the warnings it gave. Regressions are not recorded here: the main thread does that in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSource } from '../sources/index.js';
import { serializeError } from '../util/thread-errors.js';
import type { WorkerInput, WorkerReply, WorkerRequest } from './parallel.js';
import { analyzeTest } from './pipeline.js';

const input = workerData as WorkerInput;
const port = parentPort;
if (!port) throw new Error('analysis worker started outside a worker thread');
const opened = openSource(input.selection);
// An unopenable source fails every request, each with the same error.
opened.catch(() => undefined);

port.on('message', (request: WorkerRequest) => {
  void analyse(request.index).then((reply) => port.postMessage(reply));
});

async function analyse(index: number): Promise<WorkerReply> {
  const warnings: string[] = [];
  try {
    const { source, store } = await opened;
    const report = await analyzeTest(input.tests[index], input.options, { source, store, recordRegressions: false }, (m) => warnings.push(m));
    return { index, report, warnings };
  } catch (error) {
    return { index, error: serializeError(error) };
  }
}
