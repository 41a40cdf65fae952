/**
 * Orion-compatible analysis configs: loading (templating, inheritance, fan_out), validation with
 * placed errors, the normalised model, ack files and the time-window flags.
 *
 * @example
 * import { loadAnalysisConfig, timeWindow } from '../config/index.js';
 * const config = await loadAnalysisConfig('ci-tests.yaml', { inputVars: { version: '4.20' } });
 * const { after, before } = timeWindow({ lookback: '15d', since: '2026-01-20' });
 */
export type {
  AckEntry,
  AnalysisConfig,
  AnalysisMetric,
  AnalysisSeries,
  AnalysisTest,
  ConfigWarning,
  Direction,
  JiraSettings,
  MetricKind,
  RunThreshold,
  RunThresholdTest,
} from './types.js';
export { loadAnalysisConfig, parseAnalysisConfig, type LoadOptions, type ParseOptions } from './load.js';
export { ConfigError, type Problem } from './problems.js';
export { expandGroupBy, groupByQuery } from './group-by.js';
export { filterAcks, loadAckFile, mergeAcks, parseAckFile } from './ack.js';
export { parseLookback, parseSince, timeWindow, type TimeWindow } from './lookback.js';
export { renderTemplate, requiredVariables, templateVariables, type TemplateVariables } from './template.js';
export { pythonFloatStr, pythonStr } from '../util/python-str.js';
export { AGG_TYPES, RESERVED_METRIC_KEYS, RUN_THRESHOLD_TESTS, boundaryProblem } from './schema.js';
export { DEFAULT_CORRELATION_CONTEXT } from './metric.js';
