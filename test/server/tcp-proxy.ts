/**
 * A TCP proxy on loopback in front of a real database server, for tests of what the daemon does when that
 * server stops answering: `freeze()` keeps every connection open but forwards nothing more (as a
 * database stuck on a lock or a dead network path does), and new connections are accepted and never
 * answered; `refuse()` closes everything and stops listening (connection refused).
 *
 * @example
 * const proxy = await startProxy('127.0.0.1', 5432);
 * const store = await openStore(proxy.rewrite(db.url));
 * proxy.freeze();
 */
import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Proxy {
  /** The database URL with its host:port replaced by the proxy's. */
  rewrite(url: string): string;
  freeze(): void;
  refuse(): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(host: string, port: number): Promise<Proxy> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  };
  const server = createServer((client) => {
    track(client);
    if (frozen) return; // accepted, never answered
    const upstream = createConnection({ host, port });
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const own = (server.address() as AddressInfo).port;
  const stop = async () => {
    for (const s of sockets) s.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    rewrite(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(own);
      return u.toString();
    },
    freeze() {
      frozen = true;
      for (const s of sockets) {
        s.unpipe();
        s.pause();
      }
    },
    refuse: stop,
    close: stop,
  };
}
