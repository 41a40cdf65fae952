import { describe, expect, it } from 'vitest';
import { periodicTest, prPlan, pullTest } from './pr-analysis.js';
import type { AnalysisTest } from '../config/index.js';

const vars = { jobtype: 'pull', organization: 'openshift', repository: 'origin' };

describe('PR mode plan', () => {
  it('joins --pull-number, pull_number (comma list or number) and pull_numbers: deduplicated, sorted, 0 dropped', () => {
    expect(prPlan(['12', '3'], { ...vars, pull_number: '7, 3,0', pull_numbers: [12, 40] }, {}).pullNumbers).toEqual([3, 7, 12, 40]);
    expect(prPlan([], { ...vars, pull_number: 5 }, {}).pullNumbers).toEqual([5]);
  });

  it('reads missing variables from the environment, upper or lower case', () => {
    expect(prPlan([], {}, { JOBTYPE: 'pull', ORGANIZATION: 'o', repository: 'r', PULL_NUMBER: '9' })).toEqual({ pullNumbers: [9], organization: 'o', repository: 'r' });
  });

  it('a negative or non-numeric PR, or a missing variable, is an error naming them', () => {
    expect(() => prPlan(['-1'], vars, {})).toThrow(/"-1" is not a whole number/);
    expect(() => prPlan(['x'], vars, {})).toThrow(/"x" is not a whole number/);
    expect(() => prPlan([], { jobtype: 'pull' }, {})).toThrow(/input variables pull_number, organization, repository/);
  });

  it('the periodic test drops the PR fields; the pull test selects the PR', () => {
    const test = { name: 't', metadata: { jobType: 'pull', pullNumber: 5, organization: 'o' }, selector: { match: { platform: 'AWS', jobType: 'pull', pullNumber: 5, organization: 'o' }, not: {}, wildcard: {} } } as unknown as AnalysisTest;
    expect(periodicTest(test).selector.match).toEqual({ platform: 'AWS', jobType: 'periodic' });
    expect(pullTest(test, 9, { pullNumbers: [9], organization: 'openshift', repository: 'origin' }).selector.match).toEqual({ platform: 'AWS', jobType: 'pull', pullNumber: 9, organization: 'openshift', repository: 'origin' });
    expect(test.selector.match.jobType).toBe('pull');
  });
});
