import { formatPlace } from '../util/errors.js';

/**
 * The first pass of a format whose records are whole runs (json, csv): where each run id is given, so a
 * run id given twice refuses every record of it — neither may silently replace the other — and the
 * refusal names each place.
 *
 * @example
 * const places = new RunPlaces('runs.json');
 * places.note('r1', 2); places.note('r1', 4);
 * places.duplicate('r1', 2) // → 'run r1 is given 2 times in the input (runs.json:2, runs.json:4): none of them is written'
 * places.duplicate('r1', 4) // → null (reported once, at its first place)
 */
export class RunPlaces {
  private readonly lines = new Map<string, number | number[]>();

  constructor(private readonly file: string) {}

  note(uuid: string, line: number): void {
    const known = this.lines.get(uuid);
    if (known === undefined) this.lines.set(uuid, line);
    else if (typeof known === 'number') this.lines.set(uuid, [known, line]);
    else known.push(line);
  }

  /**
   * Why the record of `uuid` at `line` is refused when its id is given more than once: the message at the
   * id's first place, `null` at the others (already reported), undefined when the id is given once.
   */
  duplicate(uuid: string, line: number): string | null | undefined {
    const known = this.lines.get(uuid);
    if (known === undefined || typeof known === 'number') return undefined;
    if (known[0] !== line) return null;
    const places = known.map((l) => formatPlace({ file: this.file, line: l }).slice(0, -2)).join(', ');
    return `run ${uuid} is given ${known.length} times in the input (${places}): none of them is written`;
  }
}
