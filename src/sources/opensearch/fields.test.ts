import { describe, expect, it } from 'vitest';
import { getNested, percentKey, toEpochMs, toNumber } from './fields.js';
import { routeDocument } from './routing.js';
import type { MetricSelector } from '../types.js';

describe('getNested', () => {
  it('traverses objects and also finds keys that contain dots', () => {
    const doc = { metadata: { ocpMajorVersion: '4.20' }, 'status_codes.200': 5, labels: { 'a.b': { c: 1 } } };
    expect(getNested(doc, 'metadata.ocpMajorVersion')).toBe('4.20');
    expect(getNested(doc, 'status_codes.200')).toBe(5);
    expect(getNested(doc, 'labels.a.b.c')).toBe(1);
    expect(getNested(doc, 'metadata.nope')).toBeUndefined();
  });
});

describe('toEpochMs', () => {
  it.each([
    ['2026-01-19T10:47:27Z', Date.UTC(2026, 0, 19, 10, 47, 27)],
    ['2026-02-11T07:21:37.929397', Date.UTC(2026, 1, 11, 7, 21, 37, 929)],
    ['2020-11-15T22:26:51.553221077+01:00', Date.UTC(2020, 10, 15, 21, 26, 51, 553)],
    ['2026-01-19', Date.UTC(2026, 0, 19)],
    [1750007825, 1750007825000],
    [1750007825123, 1750007825123],
    ['1750007825', 1750007825000],
  ])('%s', (input, expected) => expect(toEpochMs(input)).toBe(expected));

  it('is NaN for absent or unreadable values', () => {
    expect(toEpochMs(undefined)).toBeNaN();
    expect(toEpochMs('yesterday')).toBeNaN();
  });
});

describe('toNumber and percentKey', () => {
  it('reads numbers, numeric strings and booleans; nothing else', () => {
    expect([toNumber(2.5), toNumber('3'), toNumber(true), toNumber('v1.30'), toNumber(null), toNumber(NaN)]).toEqual([2.5, 3, 1, null, null, null]);
  });
  it('formats percents like Python str(float(p))', () => {
    expect([percentKey(99), percentKey(99.9), percentKey(0)]).toEqual(['99.0', '99.9', '0.0']);
  });
});

describe('routeDocument (Orion get_results_batch client-side routing)', () => {
  const metric = (name: string, filters: MetricSelector['filters'], not: MetricSelector['not'] = {}): MetricSelector => ({
    name,
    filters,
    not,
    metricOfInterest: 'P99',
  });
  const ready = metric('ready', { 'metricName.keyword': 'podLatencyQuantilesMeasurement', quantileName: 'Ready' }, { 'jobName.keyword': ['garbage-collection'] });
  const any = metric('any', { 'metricName.keyword': 'podLatencyQuantilesMeasurement' });

  it('sends a document to the first metric whose filters all equal exactly', () => {
    const doc = { metricName: 'podLatencyQuantilesMeasurement', quantileName: 'Ready', jobName: 'node-density' };
    expect(routeDocument(doc, [ready, any])?.name).toBe('ready');
    expect(routeDocument(doc, [any, ready])?.name).toBe('any');
  });

  it('honours not, and compares case-sensitively (no analysed matching)', () => {
    expect(routeDocument({ metricName: 'podLatencyQuantilesMeasurement', quantileName: 'Ready', jobName: 'garbage-collection' }, [ready])).toBeUndefined();
    expect(routeDocument({ metricName: 'podLatencyQuantilesMeasurement', quantileName: 'ready' }, [ready])).toBeUndefined();
  });
});
