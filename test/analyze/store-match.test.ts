/** OpenSearch `match` / `wildcard` semantics of the store source (reference/orion.md §2.6 point 4). */
import { describe, expect, it } from 'vitest';
import { MatchableDocument, matchesField, matchesSelector, matchesWildcard } from '../../src/sources/store/match.js';
import { analyzeText } from '../../src/sources/store/text-analysis.js';

const doc = new MatchableDocument({
  clusterType: 'self-managed',
  platform: 'GCP',
  masterNodesCount: 3,
  fips: false,
  ocpVersion: '4.20.0-0.nightly-2026-01-15-195655',
  labels: { namespace: 'openshift-etcd' },
  tags: ['alpha', 'Beta'],
});

describe('store source matching', () => {
  it('tokenises like the standard analyzer', () => {
    expect(analyzeText('4.20.0-0.nightly-2026')).toEqual(['4.20.0', '0', 'nightly', '2026']);
    expect(analyzeText('Self-Managed')).toEqual(['self', 'managed']);
  });

  it('text match is an OR over lower-cased tokens; .keyword is exact', () => {
    expect(matchesField(doc, 'clusterType', 'managed')).toBe(true);
    expect(matchesField(doc, 'clusterType', 'MANAGED')).toBe(true);
    expect(matchesField(doc, 'clusterType', 'unmanaged')).toBe(false);
    expect(matchesField(doc, 'clusterType.keyword', 'managed')).toBe(false);
    expect(matchesField(doc, 'clusterType.keyword', 'self-managed')).toBe(true);
    expect(matchesField(doc, 'platform.keyword', 'gcp')).toBe(false);
  });

  it('numbers and booleans compare typed, from Orion\'s stringified values', () => {
    expect(matchesField(doc, 'masterNodesCount', 3)).toBe(true);
    expect(matchesField(doc, 'masterNodesCount', '3')).toBe(true);
    expect(matchesField(doc, 'masterNodesCount', '4')).toBe(false);
    expect(matchesField(doc, 'fips', false)).toBe(true); // Orion sends "False"
    expect(matchesField(doc, 'fips', 'true')).toBe(false);
  });

  it('dotted fields traverse objects, arrays match on any element, absent fields never match', () => {
    expect(matchesField(doc, 'labels.namespace.keyword', 'openshift-etcd')).toBe(true);
    expect(matchesField(doc, 'tags', 'beta')).toBe(true);
    expect(matchesField(doc, 'missing', 'x')).toBe(false);
  });

  it('wildcard applies to tokens of text fields and to whole keyword values', () => {
    expect(matchesWildcard(doc, 'ocpVersion', '4.20*')).toBe(true);
    expect(matchesWildcard(doc, 'ocpVersion', '4.19*')).toBe(false);
    expect(matchesWildcard(doc, 'ocpVersion.keyword', '4.20.0-0.nightly-*')).toBe(true);
  });

  it('a selector needs every match, no not value and every wildcard', () => {
    const base = { match: { platform: 'GCP' }, not: { clusterType: ['okd'] }, wildcard: { ocpVersion: '4.20*' } };
    expect(matchesSelector(doc, base)).toBe(true);
    expect(matchesSelector(doc, { ...base, not: { clusterType: ['okd', 'managed'] } })).toBe(false);
    expect(matchesSelector(doc, { ...base, match: { platform: 'AWS' } })).toBe(false);
  });
});
