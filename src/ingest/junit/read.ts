import { UserError } from '../../util/errors.js';
import { parseTime } from '../subunit/v1-reader.js';
import { isEpochUs } from '../timestamps.js';
import type { Attachment, ByteSource, ParseDamage, TestRecord, TestStatus } from '../subunit/types.js';
import { xmlTokens } from './xml-tokens.js';

/**
 * JUnit XML (Ant/Maven Surefire/pytest/Jenkins flavours) → the same per-test records as subunit, so one
 * ingest path stores both. `<testcase classname name time>` becomes test id `classname.name`; `<failure>`
 * and `<error>` → fail, `<skipped>` → skip, otherwise success. JUnit carries only a suite timestamp: a
 * case starts at the suite timestamp plus the times of the cases before it (the usual sequential
 * reading); without a timestamp start/stop stay empty and `durationUs` keeps the time.
 * Damaged XML is a UserError with the line; lenient mode keeps the cases completed before the damage.
 */
export interface JunitReadOptions {
  file?: string;
  lenient?: boolean;
  onDamage?: (damage: ParseDamage) => void;
}

interface CaseState {
  testId: string;
  line: number;
  status: TestStatus;
  durationUs: number | null;
  details: Map<string, Attachment>;
  /** Name of the child element whose text is being collected, if any. */
  collecting: string | null;
  text: string[];
  message: string;
}

export async function* readJunitTests(source: ByteSource, options: JunitReadOptions = {}): AsyncGenerator<TestRecord> {
  let suiteClock: number | null = null;
  const suiteClocks: (number | null)[] = [];
  let current: CaseState | null = null;
  try {
    for await (const tok of xmlTokens(source, options.file)) {
      if (tok.kind === 'open' && (tok.name === 'testsuite' || tok.name === 'testsuites')) {
        suiteClocks.push(suiteClock);
        const stamp = tok.attrs.timestamp;
        if (stamp !== undefined) {
          // JUnit timestamps are ISO 8601, usually without a zone: read them as UTC.
          const us = parseTime(/[zZ]|[+-]\d\d:?\d\d$/.test(stamp) ? stamp : stamp + 'Z');
          if (us === null) throw new UserError(`bad timestamp ${JSON.stringify(stamp)}`, { file: options.file, line: tok.line });
          if (!isEpochUs(us)) throw new UserError(`timestamp ${JSON.stringify(stamp)} is outside the times test results can hold (years 1685 to 2255)`, { file: options.file, line: tok.line, field: 'timestamp' });
          suiteClock = us;
        }
        if (tok.selfClosing) suiteClock = suiteClocks.pop() ?? null;
      } else if (tok.kind === 'close' && (tok.name === 'testsuite' || tok.name === 'testsuites')) {
        suiteClock = suiteClocks.pop() ?? null;
      } else if (tok.kind === 'open' && tok.name === 'testcase') {
        const name = tok.attrs.name ?? '';
        const classname = tok.attrs.classname ?? tok.attrs.class ?? '';
        const seconds = tok.attrs.time === undefined ? null : Number(tok.attrs.time.replace(/,/g, ''));
        if (seconds !== null && !Number.isFinite(seconds)) {
          throw new UserError(`bad time ${JSON.stringify(tok.attrs.time)} for test ${name}`, { file: options.file, line: tok.line });
        }
        const durationUs = seconds === null ? null : Math.round(seconds * 1e6);
        if (durationUs !== null && !isEpochUs(durationUs)) {
          throw new UserError(`time ${JSON.stringify(tok.attrs.time)} of test ${name} is longer than a duration can be (285 years)`, { file: options.file, line: tok.line, field: 'time' });
        }
        current = {
          testId: classname ? `${classname}.${name}` : name,
          line: tok.line,
          status: 'success',
          durationUs,
          details: new Map(),
          collecting: null,
          text: [],
          message: '',
        };
        if (tok.selfClosing) {
          yield finishCase(current, suiteClock, options.file);
          suiteClock = advance(suiteClock, current);
          current = null;
        }
      } else if (current !== null && tok.kind === 'open') {
        if (tok.name === 'failure' || tok.name === 'error') current.status = 'fail';
        if (tok.name === 'skipped') current.status = 'skip';
        if (['failure', 'error', 'skipped', 'system-out', 'system-err'].includes(tok.name)) {
          current.collecting = tok.name;
          current.text = [];
          current.message = tok.attrs.message ?? '';
          if (tok.selfClosing) closeChild(current);
        }
      } else if (current !== null && tok.kind === 'text' && current.collecting !== null) {
        current.text.push(tok.text);
      } else if (current !== null && tok.kind === 'close') {
        if (tok.name === 'testcase') {
          yield finishCase(current, suiteClock, options.file);
          suiteClock = advance(suiteClock, current);
          current = null;
        } else if (tok.name === current.collecting) closeChild(current);
      }
    }
  } catch (err) {
    if (!(err instanceof UserError) || !options.lenient) throw err;
    options.onDamage?.({ offset: err.place.line ?? 0, message: err.message });
  }
}

const DETAIL_NAMES: Record<string, [string, string]> = {
  failure: ['traceback', 'text/x-traceback; charset="utf8"'],
  error: ['traceback', 'text/x-traceback; charset="utf8"'],
  skipped: ['reason', 'text/plain; charset="utf8"'],
  'system-out': ['stdout', 'text/plain; charset="utf8"'],
  'system-err': ['stderr', 'text/plain; charset="utf8"'],
};

function closeChild(state: CaseState): void {
  const kind = state.collecting as string;
  const body = state.text.join('');
  const content = [state.message, body.trim() === '' ? '' : body].filter(Boolean).join('\n');
  state.collecting = null;
  if (content === '') return;
  const [name, mimeType] = DETAIL_NAMES[kind];
  const bytes = Buffer.from(content, 'utf8');
  const previous = state.details.get(name);
  const merged = previous?.bytes ? Buffer.concat([previous.bytes, Buffer.from('\n'), bytes]) : bytes;
  state.details.set(name, { mimeType, length: merged.length, bytes: merged });
}

function finishCase(state: CaseState, clock: number | null, file: string | undefined): TestRecord {
  const start = clock;
  const stop = clock !== null && state.durationUs !== null ? clock + state.durationUs : null;
  if (stop !== null && !isEpochUs(stop)) {
    // The suite's timestamp plus the times of the cases so far.
    throw new UserError(`test ${state.testId} would end after the times test results can hold (year 2255)`, { file, line: state.line, field: 'time' });
  }
  return {
    testId: state.testId,
    routeCode: null,
    status: state.status,
    tags: [],
    startUs: start,
    stopUs: stop,
    durationUs: state.durationUs,
    details: state.details,
  };
}

function advance(clock: number | null, state: CaseState): number | null {
  return clock === null || state.durationUs === null ? clock : clock + state.durationUs;
}
