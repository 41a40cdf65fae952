export { runAnalysis, analyzeTest, groupRegressions, DEFAULT_LOOKBACK_SIZE, CHANGEPOINT_BUFFER, EXPAND_POINTS } from './pipeline.js';
export type * from './types.js';
export { isolationForestOutliers, isolationForestScores } from './isolation-forest.js';
export { upsertRegression } from './record.js';
export { SeriesMemory, fullAnalysis, type SeriesDetector, type SeriesMemoryStats } from './incremental.js';
export { judgeRun, DEFAULT_BOUNDARY, DEFAULT_RUN_THRESHOLD_WINDOW, type RunJudgement } from './run-threshold.js';
