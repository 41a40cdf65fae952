/**
 * A URL fit for messages and logs: the password of its userinfo replaced by `***`.
 *
 * @example
 * redactUrl('postgres://app:s3cret@db:5432/perf') // → 'postgres://app:***@db:5432/perf'
 */
export function redactUrl(url: string): string {
  // `/` is excluded from the password so that a path holding `@` is not taken for userinfo.
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
