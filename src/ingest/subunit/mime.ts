/**
 * Normalises a MIME type the way testtools' `_make_content_type` + `ContentType.__repr__` do, so that the
 * same content is named the same whichever writer produced it (`text/plain;charset=utf8` from stestr and
 * `text/plain; charset="utf8"` from subunit.run both become the latter). A missing type is octet-stream.
 */
export function normaliseMime(mime: string | null): string {
  if (mime === null) return 'application/octet-stream';
  let normalised = normalisedByRaw.get(mime);
  if (normalised === undefined) {
    // Streams repeat a handful of types; the bound only guards against a stream of distinct ones.
    if (normalisedByRaw.size >= 256) normalisedByRaw.clear();
    normalisedByRaw.set(mime, (normalised = normalise(mime)));
  }
  return normalised;
}

const normalisedByRaw = new Map<string, string>();

function normalise(mime: string): string {
  const [full, ...rawParams] = splitParams(mime);
  const params = new Map<string, string>();
  for (const p of rawParams) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let value = p.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    params.set(key, value);
  }
  // testtools once wrote `charset=utf8,language=python`; its reader keeps only the charset.
  const charset = params.get('charset');
  if (charset !== undefined && charset.includes(',')) params.set('charset', charset.split(',')[0]);
  const rendered = [...params].map(([k, v]) => `${k}="${v}"`).sort();
  return full.trim().toLowerCase() + (rendered.length ? '; ' + rendered.join('; ') : '');
}

/** Splits at `;` outside double quotes. */
function splitParams(mime: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of mime) {
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}
