/**
 * Errors shaped like OpenSearch's: `{"error":{"root_cause":[…],"type","reason"},"status"}`. The test server
 * answers every unsupported or invalid request with one of these instead of guessing, so a client bug shows
 * up as the same kind of failure a real cluster would give — never as a silently different answer.
 */
export class OpenSearchError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    /** The outer exception type OpenSearch wraps search failures in (root cause stays `type`). */
    readonly wrapperType?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${type}: ${reason}`);
    this.name = 'OpenSearchError';
  }

  toBody(): Record<string, unknown> {
    const rootCause = { type: this.type, reason: this.reason, ...this.extra };
    const outer = this.wrapperType
      ? { type: this.wrapperType, reason: 'all shards failed', phase: 'query', grouped: true, caused_by: rootCause }
      : rootCause;
    return { error: { root_cause: [rootCause], ...outer }, status: this.status };
  }
}

/** A query or aggregation the DSL parser does not accept (`parsing_exception`, 400). */
export function parsingError(reason: string): OpenSearchError {
  return new OpenSearchError(400, 'parsing_exception', reason);
}

/** A query that parses but cannot run against the mapped field types (wrapped like a shard failure). */
export function queryShardError(reason: string): OpenSearchError {
  return new OpenSearchError(400, 'query_shard_exception', reason, 'search_phase_execution_exception');
}

export function illegalArgument(reason: string, wrapped = true): OpenSearchError {
  return new OpenSearchError(400, 'illegal_argument_exception', reason, wrapped ? 'search_phase_execution_exception' : undefined);
}

export function indexNotFound(index: string): OpenSearchError {
  return new OpenSearchError(404, 'index_not_found_exception', `no such index [${index}]`, undefined, {
    'resource.type': 'index_or_alias',
    'resource.id': index,
    index,
  });
}
