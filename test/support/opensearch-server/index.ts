export { startOpenSearchTestServer, OPENSEARCH_VERSION, type OpenSearchTestServer, type OpenSearchTestServerOptions, type RecordedRequest } from './server.js';
export { loadBulkFile, loadBulk } from './load-bulk-file.js';
