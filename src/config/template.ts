/**
 * Jinja2 templating of config files with nunjucks, with Orion's variables and Jinja's `StrictUndefined`:
 * a variable that is neither defined nor guarded by `default(...)` / `is defined` is an error naming the
 * file, line and variable — before anything is rendered.
 *
 * Orion (`orion/config.py:load_config`) renders with every environment variable lower-cased, then
 * `--input-vars` on top: `VERSION=4.20 orion …` ≡ `--input-vars '{"version": "4.20"}'`.
 *
 * @example
 * const vars = templateVariables(process.env, { version: '4.20' });
 * renderTemplate('ocpVersion: "{{ version }}*"', vars, 'ci.yaml'); // 'ocpVersion: "4.20*"'
 */
import { createRequire } from 'node:module';
import type Nunjucks from 'nunjucks';
import { UserError } from '../util/errors.js';

// nunjucks (CommonJS) is loaded on the first template that needs it: most configs and metrics files have
// no template syntax, and loading it costs ~0.2 s of every `perfhound analyze`.
let loaded: { nunjucks: typeof Nunjucks; environment: Nunjucks.Environment } | undefined;

function nunjucksModule(): { nunjucks: typeof Nunjucks; environment: Nunjucks.Environment } {
  if (!loaded) {
    const nunjucks = createRequire(import.meta.url)('nunjucks') as typeof Nunjucks;
    loaded = { nunjucks, environment: new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true }) };
  }
  return loaded;
}

export type TemplateVariables = Record<string, unknown>;

/** Orion's variable set: lower-cased environment variables, overridden by input variables. */
export function templateVariables(
  env: NodeJS.ProcessEnv = process.env,
  inputVars: Record<string, unknown> = {},
): TemplateVariables {
  const vars: TemplateVariables = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) vars[key.toLowerCase()] = value;
  }
  return { ...vars, ...inputVars };
}

/** Renders `template`; throws a `UserError` at the first undefined variable or template syntax error. */
export function renderTemplate(template: string, vars: TemplateVariables, file?: string): string {
  // Fast path: no template syntax at all (most metrics files).
  if (!/\{[{%#]/.test(template)) return template;
  const root = parseTemplate(template, file);
  const undefinedUse = findUndefinedVariable(root, vars);
  if (undefinedUse) {
    throw new UserError(
      `undefined template variable "${undefinedUse.name}" (define it with --input-vars or an environment variable)`,
      { file, line: undefinedUse.line },
    );
  }
  try {
    return nunjucksModule().environment.renderString(template, vars);
  } catch (err) {
    throw templateError(err, file);
  }
}

/** Names of variables a template uses without a default (for tests and diagnostics). */
export function requiredVariables(template: string): string[] {
  if (!/\{[{%#]/.test(template)) return [];
  const names = new Set<string>();
  const root = parseTemplate(template);
  walkUnguardedSymbols(root, boundNames(root, new Set()), (symbol) => names.add(symbol.value));
  return [...names];
}

// --- nunjucks' parser is public at runtime but untyped; these are the few node shapes we read. ---

interface TemplateNode {
  typename: string;
  fields: string[];
  lineno: number;
  colno: number;
  value?: unknown;
  [field: string]: unknown;
}

interface SymbolNode extends TemplateNode {
  value: string;
}

interface NunjucksParser {
  parse(src: string): TemplateNode;
}

function parseTemplate(template: string, file?: string): TemplateNode {
  const parser = (nunjucksModule().nunjucks as unknown as { parser: NunjucksParser }).parser;
  try {
    return parser.parse(template);
  } catch (err) {
    throw templateError(err, file);
  }
}

function templateError(err: unknown, file?: string): UserError {
  const message = err instanceof Error ? err.message : String(err);
  const located = /\[Line (\d+), Column \d+\]\s*([\s\S]*)$/.exec(message);
  const detail = (located?.[2] ?? message).replace(/^\(unknown path\)\s*/, '').trim();
  return new UserError(`template error: ${detail}`, { file, line: located ? Number(located[1]) : undefined });
}

function isNode(value: unknown): value is TemplateNode {
  return typeof value === 'object' && value !== null && 'typename' in value && 'fields' in value;
}

function children(node: TemplateNode): { field: string; child: TemplateNode }[] {
  const out: { field: string; child: TemplateNode }[] = [];
  for (const field of node.fields) {
    const value = node[field];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) out.push({ field, child: item });
    } else if (isNode(value)) {
      out.push({ field, child: value });
    }
  }
  return out;
}

/**
 * Names bound inside the template (`{% set %}`, `{% for %}`, macro arguments) count as defined; so do
 * names tested with `is defined` anywhere, since their uses are then presumably inside the test's branch
 * (a static check cannot tell which branch runs).
 */
function boundNames(node: TemplateNode, into: Set<string>): Set<string> {
  const binders: Record<string, string[]> = { Set: ['targets'], For: ['name'], Macro: ['args'], Caller: ['args'] };
  const tested = guardedChild(node);
  if (node.typename === 'Is' && tested && typeof tested.value === 'string') into.add(tested.value);
  for (const { field, child } of children(node)) {
    if ((binders[node.typename] ?? []).includes(field)) collectSymbols(child, into);
    boundNames(child, into);
  }
  return into;
}

function collectSymbols(node: TemplateNode, into: Set<string>): void {
  if (node.typename === 'Symbol' && typeof node.value === 'string') into.add(node.value);
  for (const { child } of children(node)) collectSymbols(child, into);
}

/**
 * Visits every variable reference that Jinja's StrictUndefined would reject if undefined: all but the
 * first argument of `default`/`d`, the left side of `is defined`/`is undefined`, filter and function names.
 */
function walkUnguardedSymbols(
  node: TemplateNode,
  bound: Set<string>,
  visit: (symbol: SymbolNode) => void,
  guarded = new Set<TemplateNode>(),
): void {
  if (node.typename === 'Symbol' && typeof node.value === 'string') {
    if (!bound.has(node.value) && !guarded.has(node)) visit(node as SymbolNode);
    return;
  }
  const allowed = guardedChild(node);
  if (allowed) guarded.add(allowed);
  for (const { field, child } of children(node)) {
    if ((node.typename === 'Filter' || node.typename === 'FunCall') && field === 'name') continue;
    if (node.typename === 'Is' && field === 'right') continue;
    walkUnguardedSymbols(child, bound, visit, guarded);
  }
}

/** The child whose undefinedness is allowed: `x` in `x | default(…)` and `x is defined`. */
function guardedChild(node: TemplateNode): TemplateNode | undefined {
  if (node.typename === 'Filter') {
    const name = node['name'];
    const args = node['args'];
    if (isNode(name) && (name.value === 'default' || name.value === 'd') && isNode(args)) {
      const first = (args['children'] as unknown[] | undefined)?.[0];
      return isNode(first) && first.typename === 'Symbol' ? first : undefined;
    }
  }
  if (node.typename === 'Is') {
    const left = node['left'];
    const right = node['right'];
    const test = isNode(right) ? right.value : undefined;
    if ((test === 'defined' || test === 'undefined') && isNode(left) && left.typename === 'Symbol') return left;
  }
  return undefined;
}

function findUndefinedVariable(root: TemplateNode, vars: TemplateVariables): { name: string; line: number } | undefined {
  let found: { name: string; line: number } | undefined;
  walkUnguardedSymbols(root, boundNames(root, new Set()), (symbol) => {
    if (found || symbol.value in vars || symbol.value in nunjucksGlobals) return;
    found = { name: symbol.value, line: symbol.lineno + 1 };
  });
  return found;
}

// Functions nunjucks provides to every template (Jinja has the same names).
const nunjucksGlobals: Record<string, true> = { range: true, cycler: true, joiner: true, loop: true };
