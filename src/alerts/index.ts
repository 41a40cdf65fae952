export { addWatch, runWatch, runWatches, DEFAULT_RECOVERY_PERCENT, type WatchOutcome, type WatchSpec } from './watches.js';
export { deliverDue, DeliveryWorker, backoffMs, type DeliveryOptions, type PassResult } from './delivery.js';
export { CHANNEL_KINDS, validateChannel, validateRoutes, publicSettings, routeNotice, signature, type ChannelKind, type ChannelSpec, type Routes } from './channels.js';
export { idempotencyKey, type Notice, type NoticeMetric } from './notice.js';
export { ackRegression, resolveRegression, silenceMetric, listRegressions, regressionRecord, REGRESSION_STATUSES, type RegressionRecord } from './lifecycle.js';
export { afterIngest } from './after-ingest.js';
export { checkRun, gateMarkdown, THRESHOLD_KINDS, type GateResult, type GateRow, type ThresholdKind } from './check.js';
