import { z } from 'zod';
import { query } from './fields.js';
import { error, json, route } from './route.js';

export const Experiment = z
  .object({
    name: z.string(),
    status: z.string().meta({ enum: ['running', 'stopped', 'completed', 'interrupted', 'failed'] }),
    createdMs: z.number().int(),
    updatedMs: z.number().int(),
    plannedTests: z.number().int().nullable(),
    testsDone: z.number().int().meta({ description: 'distinct tests with at least one ended attempt' }),
    testsPassed: z.number().int(),
    testsFailed: z.number().int(),
    remaining: z.number().int().nullable(),
    attempts: z.number().int(),
    currentTest: z.string().nullable().meta({ description: 'the test whose attempt has not ended (while running)' }),
    lastFailures: z.array(z.object({ testName: z.string(), attempt: z.number().int(), endStatus: z.string(), endMs: z.number().int().nullable(), comments: z.string() })),
  })
  .meta({ id: 'Experiment' });

/** One attempt: an ESS row. */
const Attempt = z.object({
  testName: z.string(),
  attempt: z.number().int(),
  startMs: z.number().int(),
  endMs: z.number().int().nullable(),
  pings: z.number().int(),
  sshChecks: z.number().int(),
  endStatus: z.string().nullable().meta({ description: 'null while the attempt runs' }),
  combination: z.unknown().meta({ description: 'the QoS settings' }),
  comments: z.string(),
  runUuid: z.string().nullable(),
});

export const listExperiments = route('GET', '/api/v1/experiments', 'read', {
  summary: 'experiment campaigns (seed 003) with tests planned, done, passed, failed, remaining, the current test and the last failures',
  tags: ['experiments'],
  querystring: query({}),
  response: { 200: json(z.object({ experiments: z.array(Experiment) }), 'the experiments by name') },
});

export const getExperiment = route('GET', '/api/v1/experiments/:name', 'read', {
  summary: 'one experiment with every attempt (the ESS rows: start/end ms, test name, pings, SSH checks, end status, attempt, QoS settings, comments, run uuid)',
  tags: ['experiments'],
  params: z.strictObject({ name: z.string().meta({ description: 'the experiment_name' }) }),
  querystring: query({}),
  response: { 200: json(Experiment.omit({ attempts: true }).extend({ attempts: z.array(Attempt) }), 'the experiment'), 404: error('no such experiment') },
});
