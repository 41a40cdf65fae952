import { describe, expect, it } from 'vitest';
import { readSubunitTests } from '../../src/ingest/subunit/read.js';
import { UserError } from '../../src/util/errors.js';
import { collect } from './support.js';

describe('subunit v1 directives that are not UTF-8', () => {
  const stream = Buffer.concat([Buffer.from('test: ok.test\nsuccess: ok.test\ntest: caf'), Buffer.from([0xe9]), Buffer.from('.test\n')]);

  it('are refused with their line, not stored with U+FFFD', async () => {
    const err = await collect(readSubunitTests([stream], { file: 's.v1', version: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('s.v1:3: the line is not UTF-8 (save the stream as UTF-8)');
  });

  it('lenient: the damage is reported and no test name holds U+FFFD', async () => {
    const damage: string[] = [];
    const tests = await collect(readSubunitTests([stream], { version: 1, lenient: true, onDamage: (d) => damage.push(d.message) }));
    expect(damage).toEqual(['the line is not UTF-8 (save the stream as UTF-8)']);
    expect(tests.map((t) => t.testId).join()).not.toContain('\uFFFD');
  });
});
