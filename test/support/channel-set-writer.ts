/**
 * The ingest's thread writer (src/ingest/set-writer-thread.ts) over a MessageChannel in this thread: the
 * same protocol and structured clones as with its worker thread, on a second connection to the store,
 * from the TypeScript sources (the worker runs only from the built bundle).
 */
import { MessageChannel } from 'node:worker_threads';
import { ThreadSetWriter, serveSetWriter, type WriterReply } from '../../src/ingest/set-writer-thread.js';
import { openStore, type Store } from '../../src/store/connect.js';

export interface ChannelWriter {
  writer: ThreadSetWriter;
  /** The writer's own connection. */
  store: Store;
  /** How many sets it was handed. */
  sets: number;
}

/** A writer on its own connection to `url`; `onSet` sees each set it is handed (before the other side does). */
export async function channelSetWriter(url: string, onSet?: (channel: ChannelWriter) => void): Promise<ChannelWriter> {
  const { port1, port2 } = new MessageChannel();
  const store = await openStore(url, { migrate: false });
  const serving = serveSetWriter(port2, store);
  serving.catch(() => undefined);
  const channel: ChannelWriter = {
    store,
    sets: 0,
    writer: new ThreadSetWriter(
      (request) => {
        if (request.type === 'set') {
          channel.sets++;
          onSet?.(channel);
        }
        port1.postMessage(request);
      },
      async () => {
        port1.close();
        port2.close();
        await store.close();
      },
    ),
  };
  port1.on('message', (reply: WriterReply) => channel.writer.receive(reply));
  return channel;
}
