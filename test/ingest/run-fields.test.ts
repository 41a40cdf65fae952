import { describe, expect, it } from 'vitest';
import { parseRunMeta, runColumnsFromMetadata } from '../../src/ingest/run-fields.js';
import { UserError } from '../../src/util/errors.js';

describe('run fields', () => {
  it('reads --run-meta pairs in both forms and refuses others as a user error naming the field', () => {
    expect(parseRunMeta(['a=1', 'b:x=y', ' c =2'])).toEqual({ a: '1', b: 'x=y', c: '2' });
    expect(() => parseRunMeta(['novalue'])).toThrow(UserError);
    expect(() => parseRunMeta(['novalue'])).toThrow('field run-meta: "novalue" is not key=value');
  });

  it('takes start and end dates as ISO text (UTC without a zone) or epoch numbers', () => {
    const columns = runColumnsFromMetadata({ startDate: '2026-01-10 12:00:00', end_date: 1768050000, ocpVersion: '4.20' }, 'ocpVersion');
    expect(columns).toMatchObject({ startMs: Date.UTC(2026, 0, 10, 12), endMs: 1768050000000, version: '4.20' });
  });
});
