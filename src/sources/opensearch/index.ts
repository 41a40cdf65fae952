export { OpenSearchSource, type OpenSearchSourceOptions } from './source.js';
export { createClient, redact } from './client.js';
