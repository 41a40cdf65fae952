import { UserError } from '../util/errors.js';

/**
 * The records of a CSV text as Python's `csv.reader` yields them (Otava reads its files so): a delimiter
 * and quote character of the test's `csv_options`, doubled quotes inside quotes, quoted fields spanning
 * lines, `\n`, `\r\n` or `\r` line ends, a blank line as a record without fields. Each record carries the
 * line it starts on, for errors.
 *
 * @example
 * readCsvRecords('a;b\n"x;1";2\n', ';', '"', 'f.csv'); // [{fields: ['a','b'], line: 1}, {fields: ['x;1','2'], line: 2}]
 */
export interface CsvRecord {
  fields: string[];
  line: number;
}

export function readCsvRecords(text: string, delimiter: string, quote: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let sawAny = false;
    for (;;) {
      if (i >= text.length) {
        if (quoted) throw new UserError('unterminated quoted field', { file, line: start });
        if (sawAny || field !== '') fields.push(field);
        break;
      }
      const c = text[i];
      if (quoted) {
        if (c === quote) {
          if (text[i + 1] === quote) {
            field += quote;
            i += 2;
          } else {
            quoted = false;
            i++;
          }
        } else {
          if (c === '\n') line++;
          field += c;
          i++;
        }
        continue;
      }
      if (c === '\n' || c === '\r') {
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        if (sawAny || field !== '') fields.push(field);
        break;
      }
      sawAny = true;
      if (c === delimiter) {
        fields.push(field);
        field = '';
      } else if (c === quote && field === '') {
        quoted = true;
      } else {
        field += c;
      }
      i++;
    }
    records.push({ fields, line: start });
  }
  return records;
}
