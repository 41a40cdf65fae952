import { readdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { Place } from '../util/errors.js';

/**
 * Rewrites the messages of 4xx answers into the caller's terms: a config of `--config-dir` is named by
 * its file name (as `GET /daemon/options` lists it), the spooled upload is `body`, any other absolute
 * path of this machine by its last segment; what the database said (its host:port, column types, the
 * driver's words) is replaced by a sentence, and the original goes to the log.
 *
 * @example
 * const terms = new CallerTerms({ configDir: '/etc/perfhound' });
 * terms.text('/etc/perfhound/ci.yaml:3: bad')                               // → 'ci.yaml:3: bad'
 * terms.text('body:1: database refused the run: value too long for type character varying(255)')
 * // → 'body:1: database refused the run (the server logged the details)'
 */
export class CallerTerms {
  /** Folders whose paths are shown relative to them, longest first. */
  private readonly folders: string[];
  private readonly spool: RegExp;
  private readonly rootEntries: Set<string>;

  constructor(options: { configDir?: string }) {
    const folders = new Set<string>();
    if (options.configDir !== undefined) {
      folders.add(resolve(options.configDir));
      try {
        folders.add(realpathSync(options.configDir));
      } catch {
        // A missing folder: its requests answer 404 anyway.
      }
    }
    this.folders = [...folders].sort((a, b) => b.length - a.length);
    const temp = [resolve(tmpdir())];
    try {
      temp.push(realpathSync(tmpdir()));
    } catch {
      // keep the resolved one
    }
    this.spool = new RegExp(`(?:${temp.map(escape).join('|')})/perfhound-body-[^/\\s]+/body`, 'g');
    this.rootEntries = new Set(safeReaddir('/'));
  }

  /** The text with this machine's paths and the database's details taken out. */
  text(message: string): string {
    let out = message.replace(this.spool, 'body');
    for (const folder of this.folders) out = out.split(folder + '/').join('');
    out = out.replace(ABSOLUTE_PATH, (path: string) => {
      const [first] = path.slice(1).split('/');
      return this.rootEntries.has(first) ? (path.split('/').filter(Boolean).pop() ?? 'a file') : path;
    });
    const refused = REFUSED.exec(out);
    if (refused) out = out.slice(0, refused.index) + 'database refused the run (the server logged the details)';
    if (DATABASE_DETAIL.test(out)) return 'the database refused the request (the server logged the details)';
    return out;
  }

  place(place: Place): Place {
    return place.file === undefined ? place : { ...place, file: this.text(place.file) };
  }
}

/** An absolute POSIX path not preceded by a word character (so `GET /api/v1/x` routes stay). */
const ABSOLUTE_PATH = /(?<![\w.~-])\/[^\s/:"'`,;()[\]{}<>]+(?:\/[^\s/:"'`,;()[\]{}<>]*)*/g;

/** The ingest readers' prefix of a driver's message. */
const REFUSED = /database refused the run: /;

/** What only a database or its driver says: host:port, SQL type names, driver error codes. */
const DATABASE_DETAIL = new RegExp(
  [
    String.raw`\b(?:\d{1,3}(?:\.\d{1,3}){3}|localhost|\[[0-9a-fA-F:]+\]):\d{1,5}\b`,
    String.raw`\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND)\b`,
    String.raw`\b(?:SQLITE_[A-Z_]+|ER_[A-Z_]+)\b`,
    String.raw`\bfor (?:type|encoding)\b`,
    String.raw`\btype (?:bigint|integer|smallint|numeric|double precision|real|text|character varying|varchar|json|jsonb|boolean|bytea|timestamp)\b`,
    // PostgreSQL's own sentences only: a reader's message may say `column "cpu" appears twice` of a CSV header
    String.raw`\b(?:violates (?:not-null|unique|foreign key|check) constraint|duplicate key value|relation "[^"]*" does not exist|column "[^"]*" (?:of relation|does not exist|is of type)|syntax error at or near)`,
  ].join('|'),
  'i',
);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
