/**
 * Jinja2 templating of config files, by perfhound's own sandboxed interpreter of the Jinja subset configs
 * use (`jinja-syntax.ts`, `jinja-render.ts`), with Jinja's `StrictUndefined`: a variable that is neither
 * defined nor guarded by `default(...)` / `is defined` is an error naming the file, line and variable.
 *
 * Orion (`orion/config.py:load_config`) renders with every environment variable lower-cased, then
 * `--input-vars` on top: `VERSION=4.20 orion …` ≡ `--input-vars '{"version": "4.20"}'`. The daemon
 * passes no environment: its variables (a database password…) are no business of a caller's config.
 *
 * {@link renderTemplateData} is what the config loader uses: the text of every `{{ … }}` is kept apart
 * from the template's own text, so a value can fill a YAML scalar but never add lines or keys.
 *
 * @example
 * const vars = templateVariables(process.env, { version: '4.20' });
 * renderTemplate('ocpVersion: "{{ version }}*"', vars, 'ci.yaml'); // 'ocpVersion: "4.20*"'
 */
import { randomBytes } from 'node:crypto';
import { UserError } from '../util/errors.js';
import { renderJinja, toValue, type Value } from './jinja-render.js';
import { parseJinja, type Expr, type Node } from './jinja-syntax.js';

/** Template variables by name (a Map: no name can reach an object's prototype). */
export type TemplateVariables = ReadonlyMap<string, Value>;

/** Orion's variable set: lower-cased environment variables, overridden by input variables. */
export function templateVariables(env: NodeJS.ProcessEnv = process.env, inputVars: Record<string, unknown> = {}): TemplateVariables {
  const vars = new Map<string, Value>();
  for (const key of Object.keys(env)) {
    const value = env[key];
    if (value !== undefined) vars.set(key.toLowerCase(), value);
  }
  if (inputVars === null || typeof inputVars !== 'object' || Array.isArray(inputVars)) throw new UserError('input variables must be a JSON object');
  for (const key of Object.keys(inputVars)) vars.set(key, toValue(inputVars[key], key));
  return vars;
}

const hasSyntax = (template: string): boolean => /\{[{%#]/.test(template);

function variables(vars: TemplateVariables | Record<string, unknown>): TemplateVariables {
  return vars instanceof Map ? vars : templateVariables({}, vars as Record<string, unknown>);
}

/** Renders `template`; throws a `UserError` naming the file and line of the first problem. */
export function renderTemplate(template: string, vars: TemplateVariables | Record<string, unknown>, file?: string): string {
  if (!hasSyntax(template)) return template;
  const out: string[] = [];
  renderJinja(parseJinja(template, file), variables(vars), file, (text) => out.push(text));
  return out.join('');
}

/**
 * A render whose `{{ … }}` outputs are left as markers: `text` is the template's own text with a marker
 * (letters, digits and `_`: a plain YAML word) where each output goes, `fill` puts the outputs back into
 * a string. Parse `text`, then `fill` its scalars: no output can change the document's structure.
 */
export interface TemplateData {
  text: string;
  /** Whether `text` holds markers at all. */
  hasOutputs: boolean;
  /** `value` with every marker replaced by its output. */
  fill(value: string): string;
  /** Whether `value` holds a marker. */
  holdsOutput(value: string): boolean;
}

export function renderTemplateData(template: string, vars: TemplateVariables | Record<string, unknown>, file?: string): TemplateData {
  const none: TemplateData = { text: template, hasOutputs: false, fill: (v) => v, holdsOutput: () => false };
  if (!hasSyntax(template)) return none;
  let nonce: string;
  do nonce = `phv${randomBytes(6).toString('hex')}`;
  while (template.includes(nonce));
  const outputs: string[] = [];
  const parts: string[] = [];
  renderJinja(parseJinja(template, file), variables(vars), file, (text, fromExpression) => {
    if (!fromExpression) {
      parts.push(text);
      return;
    }
    parts.push(`${nonce}_${outputs.length}_`);
    outputs.push(text);
  });
  if (!outputs.length) return { ...none, text: parts.join('') };
  const marker = new RegExp(`${nonce}_(\\d+)_`, 'g');
  return {
    text: parts.join(''),
    hasOutputs: true,
    fill: (value) => value.replace(marker, (_m, i: string) => outputs[Number(i)] as string),
    holdsOutput: (value) => value.includes(nonce),
  };
}

/** Names of variables a template uses without a default (for tests and diagnostics). */
export function requiredVariables(template: string): string[] {
  if (!hasSyntax(template)) return [];
  const nodes = parseJinja(template);
  const bound = new Set<string>(['loop']);
  const names = new Set<string>();
  const guarded = new Set<Expr>();
  walk(nodes, (expr) => {
    if (expr.type === 'filter' && (expr.name === 'default' || expr.name === 'd') && expr.target.type === 'name') guarded.add(expr.target);
    if (expr.type === 'test' && (expr.name === 'defined' || expr.name === 'undefined') && expr.target.type === 'name') bound.add(expr.target.name);
  }, (node) => {
    if (node.type === 'set' || node.type === 'for') node.targets.forEach((t) => bound.add(t));
  });
  walk(nodes, (expr) => {
    if (expr.type === 'name' && !guarded.has(expr) && !bound.has(expr.name)) names.add(expr.name);
  });
  return [...names];
}

/** Visits every expression (and statement) of a tree; a call's function name is no variable. */
function walk(nodes: Node[], onExpr: (expr: Expr) => void, onNode: (node: Node) => void = () => undefined): void {
  const expr = (e: Expr | undefined): void => {
    if (!e) return;
    onExpr(e);
    switch (e.type) {
      case 'list':
        return e.items.forEach(expr);
      case 'dict':
        return e.entries.forEach(([k, v]) => (expr(k), expr(v)));
      case 'attr':
        return (expr(e.target), expr(e.key));
      case 'call':
        return (e.args.forEach(expr), e.kwargs.forEach(([, v]) => expr(v)));
      case 'filter':
        return (expr(e.target), e.args.forEach(expr), e.kwargs.forEach(([, v]) => expr(v)));
      case 'test':
        return (expr(e.target), e.args.forEach(expr));
      case 'unary':
        return expr(e.operand);
      case 'binary':
        return (expr(e.left), expr(e.right));
      case 'conditional':
        return (expr(e.test), expr(e.then), expr(e.otherwise));
      default:
        return;
    }
  };
  const node = (n: Node): void => {
    onNode(n);
    switch (n.type) {
      case 'output':
        return expr(n.expr);
      case 'if':
        return (n.branches.forEach((b) => (expr(b.test), b.body.forEach(node))), n.otherwise.forEach(node));
      case 'for':
        return (expr(n.iterable), n.body.forEach(node), n.otherwise.forEach(node));
      case 'set':
        return expr(n.value);
      default:
        return;
    }
  };
  nodes.forEach(node);
}
