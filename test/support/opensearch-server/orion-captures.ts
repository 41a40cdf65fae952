import { readFileSync } from 'node:fs';

/** One request body Orion serialised, from test/fixtures/opensearch/orion-request-bodies.txt. */
export interface OrionCapture {
  /** The `### …` heading it appeared under. */
  section: string;
  index: string;
  body: Record<string, unknown>;
}

/**
 * Parses the captured Orion request bodies: under each `### name` heading, lines
 * `index: ['pattern'] params: {}` are each followed by a pretty-printed JSON body ending with a `}` line.
 */
export function readOrionCaptures(path = 'test/fixtures/opensearch/orion-request-bodies.txt'): OrionCapture[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const captures: OrionCapture[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^### (.+)$/.exec(lines[i]);
    if (heading) {
      section = heading[1].trim();
      continue;
    }
    const index = /^index: \['([^']+)'\]/.exec(lines[i]);
    if (!index) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '}') end++;
    captures.push({ section, index: index[1], body: JSON.parse(lines.slice(start, end + 1).join('\n')) as Record<string, unknown> });
    i = end;
  }
  return captures;
}

export function captureOf(captures: OrionCapture[], section: string, nth = 0): OrionCapture {
  const found = captures.filter((c) => c.section === section)[nth];
  if (!found) throw new Error(`no capture #${nth} under "### ${section}"`);
  return found;
}
