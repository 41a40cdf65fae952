export { OpenSearchSource, type OpenSearchSourceOptions } from './source.js';
export { createClient } from './client.js';
