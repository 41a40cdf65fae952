/**
 * Connection URLs fit for messages and logs: no credential of any form survives.
 *
 * A URL is read as the WHATWG URL parser (and the pg and mysql2 drivers, which use it) reads its
 * authority: the userinfo ends at the last `@` before the host. A password may hold any character,
 * though, and one written without percent-encoding (`/`, `?`, `#`, `@`) can move that boundary, so the
 * text is never trusted to be well formed: everything up to the last `@` of the whole URL is taken as
 * userinfo. A path or query holding `@` is then redacted more than needed — never less.
 *
 * Redacted: the password of the userinfo (`user:***@`; userinfo that is not plainly a user name is
 * `***@` as a whole), query parameters whose name speaks of a credential (`password`, `pass`, `pwd`,
 * `sslpassword`, `sslkey`, mysql2's `password1`…`password3`, `passwordSha1`, any `secret`, `token`,
 * `key`, `auth`, `credential`), values that are JSON objects or arrays (mysql2 reads `ssl={…}` with keys
 * and passphrases), parameters without `=` and the fragment.
 *
 * @example
 * redactUrl('postgres://app:s3cret@db:5432/perf')            // → 'postgres://app:***@db:5432/perf'
 * redactUrl('postgres://app@db/perf?password=s3cret&sslmode=require') // → 'postgres://app@db/perf?password=***&sslmode=require'
 * redactUrl('mysql://root:p@ss/w?rd@127.0.0.1/t')           // → 'mysql://root:***@127.0.0.1/t'
 */
export function redactUrl(url: string): string {
  const { scheme, userinfo, rest } = splitUrl(url);
  const query = rest.search(/[?#]/);
  const hostAndPath = query < 0 ? rest : rest.slice(0, query);
  const tail = query < 0 ? '' : rest.slice(query);
  const hash = tail.indexOf('#');
  const search = hash < 0 ? tail : tail.slice(0, hash);
  return scheme + (userinfo === undefined ? '' : redactUserinfo(userinfo) + '@') + hostAndPath + redactSearch(search) + (hash < 0 ? '' : '#***');
}

/**
 * `text` (a driver's error message, a log line) with every credential `url` holds replaced by `***`:
 * the password and secret parameter values as written in the URL and decoded. A last line of defence
 * for messages that echo what they were given; values shorter than 4 characters are left alone, since
 * they would match ordinary words.
 *
 * @example
 * redactSecrets('auth failed for s3cret', 'postgres://app:s3cret@db/perf') // → 'auth failed for ***'
 */
export function redactSecrets(text: string, url: string): string {
  let out = text;
  if (url.length >= MIN_SECRET && url !== redactUrl(url)) out = out.split(url).join(redactUrl(url));
  for (const secret of urlSecrets(url).sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}

const MIN_SECRET = 4;

/** Query parameter names that carry a credential (compared lower-cased, without `_`, `-` and `.`). */
const SECRET_PARAMETER = /pass|pwd|secret|token|key|auth|cred/;

function splitUrl(url: string): { scheme: string; userinfo?: string; rest: string } {
  const marker = url.indexOf('://');
  const scheme = marker < 0 ? '' : url.slice(0, marker + 3);
  const afterScheme = url.slice(scheme.length);
  const at = afterScheme.lastIndexOf('@');
  if (at < 0) return { scheme, rest: afterScheme };
  return { scheme, userinfo: afterScheme.slice(0, at), rest: afterScheme.slice(at + 1) };
}

function redactUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  // A user name never holds these unencoded: the `@` that ended the userinfo was inside a path or query
  // (or a password with such characters), so none of it can be shown.
  if (/[/?#\\]/.test(user)) return '***';
  return colon < 0 ? userinfo : `${user}:***`;
}

function redactSearch(search: string): string {
  if (search.length <= 1) return search;
  const pieces = search.slice(1).split('&').map((piece) => {
    if (piece === '') return piece;
    const eq = piece.indexOf('=');
    if (eq < 0) return '***';
    const [name, value] = decodeParameter(piece);
    const secret = SECRET_PARAMETER.test(name.toLowerCase().replace(/[-_.\s]/g, '')) || /^\s*[[{]/.test(value);
    return secret ? `${piece.slice(0, eq)}=***` : piece;
  });
  return '?' + pieces.join('&');
}

/** A `name=value` piece decoded as URLSearchParams (and so the drivers) decode it. */
function decodeParameter(piece: string): [string, string] {
  const [entry] = new URLSearchParams(piece);
  return entry ?? ['', ''];
}

/** Every credential of `url`, as written and decoded (what a message might echo). */
function urlSecrets(url: string): string[] {
  const found = new Set<string>();
  const add = (raw: string) => {
    for (const form of [raw, decodeLeniently(raw), decodeLeniently(raw.replace(/\+/g, ' '))]) if (form.length >= MIN_SECRET) found.add(form);
  };
  const { userinfo, rest } = splitUrl(url);
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    if (colon >= 0) add(userinfo.slice(colon + 1));
    if (redactUserinfo(userinfo) === '***') add(userinfo);
  }
  const query = rest.indexOf('?');
  if (query >= 0) {
    for (const piece of rest.slice(query + 1).split(/[&#]/)) {
      const eq = piece.indexOf('=');
      if (eq < 0) add(piece);
      else if (redactSearch('?' + piece) !== '?' + piece) add(piece.slice(eq + 1));
    }
  }
  return [...found];
}

/** Percent-decoding that keeps malformed escapes as written instead of throwing. */
function decodeLeniently(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}
