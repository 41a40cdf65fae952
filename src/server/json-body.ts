import type { FastifyInstance } from 'fastify';
import { UserError } from '../util/errors.js';

/** Deepest nesting of arrays and objects a JSON body may have (configs as JSON are a few levels deep). */
export const MAX_JSON_DEPTH = 64;

/**
 * The JSON body parser: Fastify's own (prototype-poisoning checks included), after one linear scan of the
 * text that refuses, before anything is parsed into objects, nesting deeper than {@link MAX_JSON_DEPTH}
 * (deeper structures overflow the stack of whatever walks them later) and `\u0000` in strings (which
 * PostgreSQL cannot store). Both are 400s naming the body.
 */
export function useBoundedJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, text, done) => {
    const problem = scanJson(text as string);
    if (problem) return done(new UserError(problem, { field: 'body' }), undefined);
    parse(request, text as string, done);
  });
}

/** What is wrong with the text's nesting or strings, or undefined (syntax is left to the parser). */
export function scanJson(text: string): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) {
        if (text.startsWith('u0000', i + 1)) return 'the body holds a NUL character (\\u0000), which cannot be stored';
        i++;
      } else if (c === 0x22 /* " */) {
        inString = false;
      }
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > MAX_JSON_DEPTH) return `the body is nested too deeply (more than ${MAX_JSON_DEPTH} levels of arrays and objects)`;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return undefined;
}
