// The official client (client.ts) is left out: importing it here would load it with every analysis over
// OpenSearch, which search-client.ts spares them (the report writer imports it on its own).
export { OpenSearchSource, type OpenSearchSourceOptions } from './source.js';
