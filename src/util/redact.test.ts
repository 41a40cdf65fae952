import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact.js';

describe('redactUrl', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/perf', 'postgres://app:***@db:5432/perf'],
    ['https://admin:p%40ss@os.example:9200', 'https://admin:***@os.example:9200'],
    ['mysql://root@127.0.0.1:3306/t', 'mysql://root@127.0.0.1:3306/t'],
    ['http://host:9200/a@b', 'http://host:9200/a@b'],
  ])('%s', (url, expected) => expect(redactUrl(url)).toBe(expected));
});
