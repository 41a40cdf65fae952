/**
 * Local receivers for notification tests, on 127.0.0.1: an HTTP server that records every request (a
 * webhook or Slack endpoint) and can be told to fail, hang or go down; and a minimal SMTP server that
 * records every message it accepts.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HttpReceiver {
  url: string;
  received: Received[];
  /** Answers of the next requests (status codes; 'hang' never answers); then 200. */
  script: Array<number | 'hang'>;
  close(): Promise<void>;
}

export async function httpReceiver(port = 0): Promise<HttpReceiver> {
  const received: Received[] = [];
  const hanging = new Set<IncomingMessage>();
  const receiver = { received, script: [] as Array<number | 'hang'> } as HttpReceiver;
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const next = receiver.script.shift() ?? 200;
      if (next === 'hang') {
        hanging.add(req);
        return;
      }
      // A message counts as received only when it was accepted.
      if (next >= 200 && next < 300) received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(next, { 'content-type': 'text/plain' }).end(next < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

export interface MailMessage {
  from: string;
  to: string[];
  data: string;
}

export interface SmtpReceiver {
  port: number;
  messages: MailMessage[];
  /** Reply codes for the next DATA ends (e.g. 451), then 250. */
  script: number[];
  /** AUTH PLAIN credentials it accepts (none: AUTH not offered). */
  close(): Promise<void>;
}

/** A minimal SMTP server (RFC 5321 subset: EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT). */
export async function smtpReceiver(auth?: { user: string; pass: string }): Promise<SmtpReceiver> {
  const messages: MailMessage[] = [];
  const sockets = new Set<Socket>();
  const receiver = { messages, script: [] as number[] } as SmtpReceiver;
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    let inData = false;
    let data: string[] = [];
    let from = '';
    let to: string[] = [];
    let authed = !auth;
    const say = (line: string) => socket.write(line + '\r\n');
    say('220 test-smtp ready');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            const code = receiver.script.shift() ?? 250;
            if (code === 250) messages.push({ from, to, data: data.join('\n') });
            say(code === 250 ? '250 queued' : `${code} try later`);
            data = [];
          } else data.push(line.startsWith('..') ? line.slice(1) : line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') say(auth ? '250-test-smtp\r\n250 AUTH PLAIN' : '250 test-smtp');
        else if (verb === 'HELO') say('250 test-smtp');
        else if (verb === 'AUTH') {
          const [, , payload] = line.split(' ');
          const [, user, pass] = Buffer.from(payload ?? '', 'base64').toString('utf8').split('\0');
          authed = !!auth && user === auth.user && pass === auth.pass;
          say(authed ? '235 ok' : '535 bad credentials');
        } else if (verb === 'MAIL') {
          if (!authed) say('530 authentication required');
          else {
            from = /<(.*)>/.exec(line)?.[1] ?? '';
            to = [];
            say('250 ok');
          }
        } else if (verb === 'RCPT') {
          to.push(/<(.*)>/.exec(line)?.[1] ?? '');
          say('250 ok');
        } else if (verb === 'DATA') {
          inData = true;
          say('354 go on');
        } else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
        } else if (verb === 'RSET' || verb === 'NOOP') say('250 ok');
        else say('502 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return receiver;
}
