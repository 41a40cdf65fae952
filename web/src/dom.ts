/** Small DOM helpers: elements from tag + attributes + children, and the states a person needs. */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | null | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'className') el.className = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
  return el;
}

/** A loading indicator, shown only when a request takes longer than a glance (150 ms). */
export function loading(into: HTMLElement, what: string): () => void {
  const timer = setTimeout(() => into.replaceChildren(h('p', { className: 'loading', 'aria-busy': 'true', role: 'status' }, `Loading ${what}…`)), 150);
  return () => clearTimeout(timer);
}

export function errorBox(message: string): HTMLElement {
  return h('div', { className: 'error', role: 'alert' }, h('strong', {}, 'Error: '), message);
}

export function empty(message: string, hint?: string): HTMLElement {
  return h('div', { className: 'empty' }, h('p', {}, message), hint ? h('p', {}, 'To fill it: ', h('code', {}, hint)) : null);
}

export function table(headers: string[], rows: Child[][], caption?: string): HTMLTableElement {
  return h(
    'table',
    {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))),
  );
}

export function fmtNumber(n: number | string | null | undefined, digits = 4): string {
  if (n === null || n === undefined) return '–';
  if (typeof n === 'string') return n;
  if (Number.isInteger(n)) return String(n);
  return Number(n.toPrecision(digits)).toString();
}

export function fmtTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toISOString().slice(0, 16).replace('T', ' ');
}

/** "3d ago", "5h ago": the age of a time. */
export function age(iso: string, now = Date.now()): string {
  const s = Math.max(0, (now - new Date(iso).getTime()) / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** A safe external link (http/https only). */
export function extLink(url: string | null | undefined, text: string): Node | string {
  if (!url || !/^https?:\/\//i.test(url)) return url ?? '–';
  return h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, text);
}

export function download(name: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A CSV field, quoted when needed. */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
