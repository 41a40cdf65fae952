import { isUtf8 } from 'node:buffer';
import { UserError } from '../../util/errors.js';
import { ChunkWindow } from './chunks.js';
import type { ByteSource, SubunitEvent, SubunitReadOptions, TestStatus } from './types.js';

/**
 * Subunit v1 (text) reader: lines → the events `subunit-1to2` would produce, so both versions share the
 * per-test grouping. Directives: `test:`, outcomes (`success:`/`successful:`, `failure:`, `error:` → fail,
 * `skip:`, `xfail:`, `uxsuccess:`) with optional `[` simple or `[ multipart` details, `tags:`, `time:`,
 * `progress:`; any other line is passed through as non-subunit text. Damage (a test cut off by EOF or by
 * the next `test:`, malformed details) is a UserError naming the line; lenient mode records it as the
 * reference does: the test fails with a "lost connection" or parser-error detail.
 */
const OUTCOMES: Record<string, TestStatus> = {
  success: 'success',
  successful: 'success',
  failure: 'fail',
  error: 'fail',
  skip: 'skip',
  xfail: 'xfail',
  uxsuccess: 'uxsuccess',
};
const DIRECTIVE = /^(test|testing|success|successful|failure|error|skip|xfail|uxsuccess|tags|time|progress)(:? )(.*)$/s;
const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

class V1Error extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

interface State {
  win: ChunkWindow;
  line: number;
  timestampUs: number | null;
  globalTags: Set<string>;
  localTags: Map<string, boolean>;
  current: string | null;
  currentLine: number;
}

export async function* readV1Events(source: ByteSource, options: SubunitReadOptions = {}): AsyncGenerator<SubunitEvent> {
  const st: State = {
    win: new ChunkWindow(source),
    line: 0,
    timestampUs: null,
    globalTags: new Set(),
    localTags: new Map(),
    current: null,
    currentLine: 0,
  };
  const textName = options.nonSubunitName ?? 'stdout';
  const fail = (err: V1Error): void => {
    if (!options.lenient) throw new UserError(err.message, { file: options.file, line: err.line });
    options.onDamage?.({ offset: err.line, message: err.message });
  };
  for (;;) {
    const raw = await readLine(st);
    if (raw === null) break;
    const lineNo = st.line;
    const text = raw.toString('utf8').replace(/\r?\n$/, '');
    const m = DIRECTIVE.exec(text);
    if (m === null) {
      yield { ...event(st, null, null), fileName: textName, fileBytes: raw, tags: null };
      continue;
    }
    // A directive's test name or tags would hold U+FFFD for the bad bytes: refused, not changed.
    if (!isUtf8(raw)) {
      fail(new V1Error(`the line is not UTF-8 (save the stream as UTF-8)`, lineNo));
      continue;
    }
    const [, cmd, , rest] = m;
    if (cmd === 'time') {
      const us = parseTime(rest.trim());
      if (us === null) fail(new V1Error(`bad time: ${rest}`, lineNo));
      else st.timestampUs = us;
    } else if (cmd === 'tags') {
      applyTags(st, rest);
    } else if (cmd === 'progress') {
      // Progress markers carry no test data.
    } else if (cmd === 'test' || cmd === 'testing') {
      if (st.current !== null) {
        fail(new V1Error(`test ${st.current} (line ${st.currentLine}) was interrupted by a new test`, lineNo));
        yield* lostConnection(st);
      }
      st.current = rest;
      st.currentLine = lineNo;
      st.localTags = new Map();
      yield event(st, rest, 'inprogress');
    } else {
      const { label, details } = splitDetails(rest);
      if (label !== st.current) {
        // An outcome for another test than the current one is not a directive (the reference passes it through).
        yield { ...event(st, null, null), fileName: textName, fileBytes: raw, tags: null };
        continue;
      }
      const status = OUTCOMES[cmd];
      if (details !== 'none') {
        try {
          const files = details === 'multipart' ? await readMultipart(st) : await readSimple(st, status);
          for (const f of files) yield { ...event(st, label, null), fileName: f.name, fileBytes: f.bytes, mimeType: f.mime, eof: true };
        } catch (err) {
          if (!(err instanceof V1Error)) throw err;
          fail(err);
          yield { ...event(st, label, null), fileName: 'Parser Error', fileBytes: Buffer.from(err.message), mimeType: 'text/plain;charset=utf8', eof: true };
        }
      }
      yield event(st, label, status);
      st.current = null;
      st.localTags = new Map();
    }
  }
  if (st.current !== null) {
    fail(new V1Error(`stream ended inside test ${st.current} (started line ${st.currentLine})`, st.line));
    yield* lostConnection(st);
  }
}

function* lostConnection(st: State): Generator<SubunitEvent> {
  const id = st.current as string;
  yield { ...event(st, id, null), fileName: 'traceback', fileBytes: Buffer.from(`lost connection during test '${id}'`), mimeType: 'text/x-traceback;charset=utf8', eof: true };
  yield event(st, id, 'fail');
  st.current = null;
}

function event(st: State, testId: string | null, status: TestStatus | null): SubunitEvent {
  return {
    testId,
    status,
    tags: testId === null ? null : effectiveTags(st),
    runnable: true,
    eof: false,
    mimeType: null,
    routeCode: null,
    timestampUs: st.timestampUs,
    fileName: null,
    fileBytes: null,
    offset: st.line,
  };
}

function effectiveTags(st: State): string[] {
  const tags = new Set(st.globalTags);
  for (const [tag, on] of st.localTags) {
    if (on) tags.add(tag);
    else tags.delete(tag);
  }
  return [...tags];
}

function applyTags(st: State, rest: string): void {
  for (const word of rest.split(/\s+/).filter(Boolean)) {
    const on = !word.startsWith('-');
    const tag = on ? word : word.slice(1);
    if (st.current !== null) st.localTags.set(tag, on);
    else if (on) st.globalTags.add(tag);
    else st.globalTags.delete(tag);
  }
}

function splitDetails(rest: string): { label: string; details: 'none' | 'simple' | 'multipart' } {
  if (rest.endsWith(' [ multipart')) return { label: rest.slice(0, -' [ multipart'.length), details: 'multipart' };
  if (rest.endsWith(' [')) return { label: rest.slice(0, -2), details: 'simple' };
  return { label: rest, details: 'none' };
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]Z` → epoch microseconds. */
export function parseTime(text: string): number | null {
  const m = TIME.exec(text);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
  }
  const micros = frac === undefined ? 0 : Math.round(+`0.${frac}` * 1e6);
  return ms * 1000 + micros;
}

async function readLine(st: State): Promise<Buffer | null> {
  let from = 0;
  for (;;) {
    const nl = st.win.indexOf(0x0a, from);
    if (nl >= 0) {
      st.line++;
      return st.win.take(nl + 1);
    }
    from = st.win.available;
    if (!(await st.win.fill(st.win.available + 1))) {
      if (st.win.available === 0) return null;
      st.line++;
      return st.win.take(st.win.available);
    }
  }
}

/** v1.0 details: lines up to `]`; a line starting ` ]` is an escaped bracket. */
async function readSimple(st: State, status: TestStatus): Promise<{ name: string; mime: string; bytes: Buffer }[]> {
  const parts: Buffer[] = [];
  for (;;) {
    const raw = await readLine(st);
    if (raw === null) throw new V1Error('stream ended inside details', st.line);
    const text = raw.toString('latin1');
    if (text === ']\n' || text === ']') break;
    parts.push(text.startsWith(' ]') ? raw.subarray(1) : raw);
  }
  const bytes = Buffer.concat(parts);
  if (status === 'skip') return [{ name: 'reason', mime: 'text/plain;charset=utf8', bytes }];
  return [{ name: 'traceback', mime: 'text/x-traceback;charset=utf8', bytes }];
}

/** v1.1 details: per attachment `Content-Type:` line, name line, HTTP-style chunks ending `0\r\n`; then `]`. */
async function readMultipart(st: State): Promise<{ name: string; mime: string; bytes: Buffer }[]> {
  const files: { name: string; mime: string; bytes: Buffer }[] = [];
  for (;;) {
    const raw = await readLine(st);
    if (raw === null) throw new V1Error('stream ended inside multipart details', st.line);
    const text = raw.toString('utf8').replace(/\r?\n$/, '');
    if (text === ']') return files;
    if (!text.startsWith('Content-Type: ')) throw new V1Error(`expected "Content-Type:" or "]" in details, got ${JSON.stringify(text.slice(0, 60))}`, st.line);
    const mime = text.slice('Content-Type: '.length);
    const nameLine = await readLine(st);
    if (nameLine === null) throw new V1Error('stream ended before the attachment name', st.line);
    const name = nameLine.toString('utf8').replace(/\r?\n$/, '');
    const chunks: Buffer[] = [];
    for (;;) {
      const header = await readLine(st);
      if (header === null) throw new V1Error(`stream ended inside attachment ${name}`, st.line);
      const hex = header.toString('latin1').replace(/\r?\n$/, '');
      if (!/^[0-9A-Fa-f]+$/.test(hex)) throw new V1Error(`bad chunk length ${JSON.stringify(hex.slice(0, 20))} in attachment ${name}`, st.line);
      const size = parseInt(hex, 16);
      if (size === 0) break;
      if (!(await st.win.fill(size))) throw new V1Error(`stream ended inside a ${size}-byte chunk of attachment ${name}`, st.line);
      const chunk = st.win.take(size);
      for (const b of chunk) if (b === 0x0a) st.line++;
      chunks.push(chunk);
    }
    files.push({ name, mime, bytes: Buffer.concat(chunks) });
  }
}
