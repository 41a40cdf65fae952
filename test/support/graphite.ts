/**
 * A real Graphite on loopback for the tests of Otava's `graphite` test type: Debian's graphite-carbon
 * (carbon-cache, plaintext protocol) writing whisper files and graphite-web (Django's server, SQLite for
 * events) reading them, both in a temporary folder with their own configuration. scripts/test-all.sh
 * installs the packages. Points are sent to carbon and read back through the render API before a test
 * uses them (carbon writes asynchronously).
 *
 * @example
 * const g = await startGraphite();
 * await g.send([['perf.main.t.metric1', 154023, 1704074400]]);
 * await g.waitForPoints('perf.main.t.metric1', 1, 1704000000);
 * await g.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface Graphite {
  /** graphite-web's base URL, with the trailing slash Otava's configuration has */
  url: string;
  send(points: [path: string, value: number, time: number][]): Promise<void>;
  /** Otava's events: `data` is the repr of a Python dict */
  postEvent(event: { what: string; tags: string[]; when: number; data: string }): Promise<void>;
  waitForPoints(path: string, count: number, from: number): Promise<void>;
  stop(): Promise<void>;
}

const SETTINGS = `import os
_root = os.environ['PERFHOUND_GRAPHITE_ROOT']
SECRET_KEY = 'perfhound-test'
STORAGE_DIR = _root + '/storage'
WHISPER_DIR = _root + '/storage/whisper/'
LOG_DIR = _root + '/storage/log'
INDEX_FILE = _root + '/storage/index'
CONF_DIR = _root + '/conf'
DEFAULT_XFILES_FACTOR = 0
LOG_ROTATION = False
TIME_ZONE = 'UTC'
CARBONLINK_HOSTS = []
DATABASES = {'default': {'NAME': _root + '/storage/graphite.db', 'ENGINE': 'django.db.backends.sqlite3'}}
`;

function carbonConf(root: string, ports: { line: number; pickle: number; query: number }): string {
  return `[cache]
STORAGE_DIR = ${root}/storage
LOCAL_DATA_DIR = ${root}/storage/whisper
WHITELISTS_DIR = ${root}/storage/lists
CONF_DIR = ${root}/conf
LOG_DIR = ${root}/storage/log
PID_DIR = ${root}/storage
ENABLE_LOGROTATION = False
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = 5000
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = ${ports.line}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = ${ports.pickle}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = ${ports.query}
WHISPER_AUTOFLUSH = True
`;
}

// hourly points kept five years: the Otava sample's runs of 2024 stay inside the retention
const SCHEMAS = `[default]
pattern = .*
retentions = 1h:5y
`;

async function until(what: string, check: () => Promise<boolean>, seconds = 30): Promise<void> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`${what} did not come up within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

export async function startGraphite(): Promise<Graphite> {
  const root = mkdtempSync(join(tmpdir(), 'graphite-'));
  for (const dir of ['conf', 'storage/whisper', 'storage/log/webapp', 'storage/lists', 'python']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'python', 'perfhound_graphite_settings.py'), SETTINGS);
  const ports = { line: await freePort(), pickle: await freePort(), query: await freePort(), web: await freePort() };
  writeFileSync(join(root, 'conf', 'carbon.conf'), carbonConf(root, ports));
  writeFileSync(join(root, 'conf', 'storage-schemas.conf'), SCHEMAS);
  const env = { ...process.env, PERFHOUND_GRAPHITE_ROOT: root, PYTHONPATH: join(root, 'python'), GRAPHITE_SETTINGS_MODULE: 'perfhound_graphite_settings' };

  const migrate = spawnSync('graphite-manage', ['migrate', '--run-syncdb'], { env, encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`graphite-manage migrate failed (is graphite-web installed? scripts/test-all.sh installs it): ${migrate.error?.message ?? migrate.stderr}`);
  const carbon = spawn('carbon-cache', [`--config=${join(root, 'conf', 'carbon.conf')}`, '--nodaemon', 'start'], { env, stdio: 'ignore' });
  const web = spawn('graphite-manage', ['runserver', `127.0.0.1:${ports.web}`, '--noreload'], { env, stdio: 'ignore' });
  const url = `http://127.0.0.1:${ports.web}/`;
  const stop = async () => {
    await Promise.all([stopProcess(carbon), stopProcess(web)]);
  };
  try {
    await until('graphite-web', async () => (await fetch(`${url}render?target=none&format=json`)).ok);
    await until('carbon-cache', () => new Promise((ok) => connect(ports.line, '127.0.0.1').once('connect', function (this: import('node:net').Socket) { this.end(); ok(true); }).once('error', () => ok(false))));
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url,
    stop,
    send: (points) =>
      new Promise((ok, fail) => {
        const socket = connect(ports.line, '127.0.0.1', () => socket.end(points.map(([p, v, t]) => `${p} ${v} ${t}\n`).join('')));
        socket.once('close', () => ok());
        socket.once('error', fail);
      }),
    postEvent: async (event) => {
      const res = await fetch(`${url}events/`, { method: 'POST', body: JSON.stringify(event) });
      if (!res.ok) throw new Error(`graphite-web refused the event: HTTP ${res.status}`);
    },
    waitForPoints: (path, count, from) =>
      until(`${count} points of ${path}`, async () => {
        const body = (await (await fetch(`${url}render?target=${path}&format=json&from=${from}`)).json()) as { datapoints: [number | null, number][] }[];
        return (body[0]?.datapoints.filter((p) => p[0] !== null).length ?? 0) >= count;
      }),
  };
}
