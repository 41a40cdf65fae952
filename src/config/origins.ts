/**
 * Remembers where each object of a loaded config came from (file and YAML path), so an error found after
 * inheritance and `fan_out` — when a metric may come from a `metricsFile` — still names the right file,
 * line and field.
 */
import type { Place } from '../util/errors.js';
import type { PathSegment, YamlSource } from './yaml-source.js';

interface Origin {
  source: Pick<YamlSource, 'file' | 'lineOf'>;
  path: PathSegment[];
}

export class Origins {
  private readonly byObject = new WeakMap<object, Origin>();

  /** Records `value` and every object below it as coming from `source` at `path`. */
  register(value: unknown, source: Origin['source'], path: PathSegment[] = []): void {
    if (value === null || typeof value !== 'object') return;
    this.byObject.set(value, { source, path });
    if (Array.isArray(value)) {
      value.forEach((item, i) => this.register(item, source, [...path, i]));
    } else {
      for (const [key, item] of Object.entries(value)) this.register(item, source, [...path, key]);
    }
  }

  /** Marks `copy` (a deep copy, e.g. a `fan_out` expansion) as coming from where `original` came from. */
  alias(copy: unknown, original: unknown): void {
    if (copy === null || typeof copy !== 'object' || original === null || typeof original !== 'object') return;
    const origin = this.byObject.get(original);
    if (origin) this.byObject.set(copy, origin);
    if (Array.isArray(copy) && Array.isArray(original)) {
      copy.forEach((item, i) => this.alias(item, original[i]));
    } else if (!Array.isArray(copy) && !Array.isArray(original)) {
      for (const [key, item] of Object.entries(copy)) this.alias(item, (original as Record<string, unknown>)[key]);
    }
  }

  /** The place of `sub` below `object`: file, line and a field path such as `tests[0].metrics[2].agg`. */
  place(object: unknown, sub: readonly PathSegment[] = [], fallbackFile?: string): Place {
    const origin = object !== null && typeof object === 'object' ? this.byObject.get(object) : undefined;
    if (!origin) return { file: fallbackFile, field: sub.length ? formatPath(sub) : undefined };
    const full = [...origin.path, ...sub];
    return {
      file: origin.source.file ?? fallbackFile,
      line: origin.source.lineOf(full),
      field: full.length ? formatPath(full) : undefined,
    };
  }
}

/** `['tests', 0, 'metrics', 2, 'agg']` → `tests[0].metrics[2].agg`; keys with dots are quoted. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
