/**
 * A notification's facts: one new regression group (a test's run where one or more metrics changed), as
 * the outbox keeps it and every channel renders it.
 */
import { createHash } from 'node:crypto';

export interface NoticeMetric {
  regressionId: number;
  metric: string;
  labels: string[];
  /** (meanAfter − meanBefore) / meanBefore · 100. */
  percentage: number | null;
  direction: 'increase' | 'decrease';
  meanBefore: number;
  meanAfter: number;
}

export interface NoticeRun {
  uuid: string;
  timestamp: string;
  version?: string;
  buildUrl?: string;
}

export interface Notice {
  idempotencyKey: string;
  watch: string;
  test: string;
  /** The first run of the new regime. */
  run: NoticeRun;
  /** The run just before it (the last of the old regime). */
  previousRun: NoticeRun | null;
  metrics: NoticeMetric[];
  links: { build?: string; regressions: string };
}

/** Same watch, channel, test and run: the same key, whatever process or attempt computes it. */
export function idempotencyKey(watchId: number, channelId: number, test: string, runUuid: string): string {
  return createHash('sha256').update(JSON.stringify([watchId, channelId, test, runUuid])).digest('hex');
}

function pct(value: number | null): string {
  return value === null ? 'n/a' : `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
}

/** One line per metric, as Slack and e-mail show them. */
export function noticeLines(notice: Notice): string[] {
  const lines = [
    `perfhound: ${notice.metrics.length} new regression${notice.metrics.length === 1 ? '' : 's'} in test ${notice.test} (watch ${notice.watch})`,
    `run ${notice.run.uuid} at ${notice.run.timestamp}${notice.run.version ? `, version ${notice.run.version}` : ''}` +
      (notice.previousRun ? ` (before: run ${notice.previousRun.uuid}${notice.previousRun.version ? `, version ${notice.previousRun.version}` : ''})` : ''),
  ];
  for (const m of notice.metrics) {
    lines.push(`- ${m.metric}: ${pct(m.percentage)} (${m.direction}, ${fmt(m.meanBefore)} → ${fmt(m.meanAfter)})`);
  }
  if (notice.links.build) lines.push(`build: ${notice.links.build}`);
  lines.push(`regressions: ${notice.links.regressions}`);
  return lines;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toPrecision(6).replace(/\.?0+$/, '');
}

export function noticeSubject(notice: Notice): string {
  const worst = notice.metrics.reduce((a, b) => (Math.abs(b.percentage ?? 0) > Math.abs(a.percentage ?? 0) ? b : a));
  return `[perfhound] ${notice.test}: ${notice.metrics.length} regression${notice.metrics.length === 1 ? '' : 's'} at run ${notice.run.uuid} (${worst.metric} ${pct(worst.percentage)})`;
}
