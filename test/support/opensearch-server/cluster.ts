/**
 * The server's indices: creation (explicit or on first write), deletion, index-pattern resolution
 * (comma lists, `*`/`?` wildcards, `_all`; a wildcard that matches nothing is allowed, a missing concrete
 * name is `index_not_found_exception`) and `_bulk` execution.
 */
import { wildcardToRegExp } from './analysis.js';
import { indexNotFound, OpenSearchError } from './errors.js';
import { IndexState } from './index-state.js';

export interface BulkItemResult {
  [action: string]: Record<string, unknown>;
}

const ACTIONS = ['index', 'create', 'delete', 'update'] as const;

export class Cluster {
  readonly indices = new Map<string, IndexState>();
  private autoId = 0;

  create(name: string, body: Record<string, unknown> = {}): IndexState {
    validateIndexName(name);
    if (this.indices.has(name)) {
      throw new OpenSearchError(400, 'resource_already_exists_exception', `index [${name}/${this.indices.get(name)?.uuid}] already exists`, undefined, { index: name });
    }
    const index = new IndexState(name);
    const settings = (body.settings ?? {}) as Record<string, unknown>;
    const window = (settings.index as Record<string, unknown> | undefined)?.max_result_window ?? settings['index.max_result_window'];
    if (window !== undefined) index.maxResultWindow = Number(window);
    const mappings = body.mappings as { properties?: Record<string, unknown> } | undefined;
    if (mappings?.properties) index.applyExplicitMapping(mappings.properties);
    this.indices.set(name, index);
    return index;
  }

  delete(pattern: string): void {
    for (const index of this.resolve(pattern)) this.indices.delete(index.name);
  }

  /** Indices named by a pattern, in name order; throws for a missing concrete name. */
  resolve(pattern: string, allowMissing = false): IndexState[] {
    const found = new Map<string, IndexState>();
    for (const part of pattern.split(',').map((p) => p.trim()).filter(Boolean)) {
      if (part === '_all' || part.includes('*') || part.includes('?')) {
        const regexp = wildcardToRegExp(part === '_all' ? '*' : part);
        for (const [name, index] of this.indices) {
          if (regexp.test(name) && (!name.startsWith('.') || part.startsWith('.'))) found.set(name, index);
        }
      } else {
        const index = this.indices.get(part);
        if (index) found.set(part, index);
        else if (!allowMissing) throw indexNotFound(part);
      }
    }
    return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Runs an NDJSON `_bulk` body; item failures are reported per item, as OpenSearch does. */
  bulk(ndjson: string, defaultIndex?: string): { took: number; errors: boolean; items: BulkItemResult[] } {
    const lines = ndjson.split('\n');
    const items: BulkItemResult[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].trim()) continue;
      const actionLine = parseLine(lines[i], i + 1);
      const [action, meta] = Object.entries(actionLine)[0] ?? [];
      if (Object.keys(actionLine).length !== 1 || !(ACTIONS as readonly string[]).includes(action)) {
        throw new OpenSearchError(400, 'illegal_argument_exception', `Malformed action/metadata line [${i + 1}], expected one of [create, delete, index, update] but found [${action}]`);
      }
      const { _index = defaultIndex, _id } = (meta ?? {}) as { _index?: string; _id?: string };
      if (!_index) throw new OpenSearchError(400, 'action_request_validation_exception', `Validation Failed: 1: index is missing;`);
      if (action === 'update') {
        throw new OpenSearchError(400, 'illegal_argument_exception', 'bulk action [update] is not supported by the test server');
      }
      let source: Record<string, unknown> | undefined;
      if (action !== 'delete') {
        i++;
        if (i >= lines.length || !lines[i].trim()) {
          throw new OpenSearchError(400, 'illegal_argument_exception', `The bulk request must be terminated by a newline [\\n] (document for line ${i} missing)`);
        }
        source = parseLine(lines[i], i + 1);
      }
      items.push({ [action]: this.bulkItem(action, _index, _id, source) });
    }
    return { took: 1, errors: items.some((item) => Object.values(item)[0].error !== undefined), items };
  }

  private bulkItem(action: string, indexName: string, id: string | undefined, source?: Record<string, unknown>): Record<string, unknown> {
    const docId = id ?? `auto-${(++this.autoId).toString(36).padStart(8, '0')}`;
    const base = { _index: indexName, _id: docId, _version: 1, _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 0, _primary_term: 1 };
    try {
      if (action === 'delete') {
        const index = this.indices.get(indexName);
        const deleted = index?.delete(docId) ?? false;
        return { ...base, result: deleted ? 'deleted' : 'not_found', status: deleted ? 200 : 404 };
      }
      const index = this.indices.get(indexName) ?? this.create(indexName);
      if (action === 'create' && index.docs.has(docId)) {
        throw new OpenSearchError(409, 'version_conflict_engine_exception', `[${docId}]: version conflict, document already exists (current version [1])`, undefined, { index: indexName });
      }
      const result = index.put(docId, source ?? {});
      return { ...base, result, status: result === 'created' ? 201 : 200 };
    } catch (err) {
      if (!(err instanceof OpenSearchError)) throw err;
      return { _index: indexName, _id: docId, status: err.status, error: { type: err.type, reason: err.reason, index: indexName } };
    }
  }
}

function parseLine(line: string, lineNo: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new OpenSearchError(400, 'x_content_parse_exception', `[${lineNo}:1] ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OpenSearchError(400, 'illegal_argument_exception', `Malformed line [${lineNo}]: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

function validateIndexName(name: string): void {
  if (!name || name !== name.toLowerCase() || /[\\/*?"<>| ,#:]/.test(name) || /^[-_+]/.test(name) || name === '.' || name === '..') {
    throw new OpenSearchError(400, 'invalid_index_name_exception', `Invalid index name [${name}], must be lowercase and must not contain \\, /, *, ?, ", <, >, |, space, comma or #`, undefined, { index: name });
  }
}
