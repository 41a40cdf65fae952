/**
 * Python's float formatting (`format(x, 'g')`, `'%f'`, `'{:+.1f}'`, `'{:#8.3g}'`), digit for digit, for
 * reproducing Otava's output byte for byte. JavaScript's `toFixed`/`toPrecision` round a tie away from zero
 * ("pick the larger n"); Python rounds the exact binary value half to even, so ties (0.25 → '0.2' at one
 * decimal) differ. Rounding here works on the exact decimal expansion of the double.
 *
 * @example
 * pyFixed(2.5, 0);        // '2'   (JavaScript's (2.5).toFixed(0) is '3')
 * pyGeneral(1e9 + 58226); // '1.00006e+09'
 * pyGeneral(2.02, 3, true) // '2.02' — '#' keeps trailing zeros: pyGeneral(1.8, 3, true) is '1.80'
 */

/** The exact decimal digits of |x| (finite, non-zero) and the position of the decimal point in them. */
interface ExactDecimal {
  digits: string;
  /** number of digits before the decimal point (may be ≤ 0 or > digits.length) */
  point: number;
}

function exactDecimal(x: number): ExactDecimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) exponent = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  if (exponent >= 0) {
    const digits = (mantissa << BigInt(exponent)).toString();
    return { digits, point: digits.length };
  }
  // m / 2^k = m·5^k / 10^k
  const digits = (mantissa * 5n ** BigInt(-exponent)).toString();
  return { digits, point: digits.length + exponent };
}

/**
 * |x| rounded half-to-even at `decimals` places after the point, as the integer N with
 * rounded |x| = N · 10^-decimals (a digit string without leading zeros).
 */
function roundedUnits(exact: ExactDecimal, decimals: number): string {
  const keep = exact.point + decimals; // how many digits of the expansion stay
  const { digits } = exact;
  if (keep >= digits.length) return stripLeadingZeros(digits + '0'.repeat(keep - digits.length));
  if (keep < 0) return '0'; // |x| < 10^-(decimals+1): rounds to zero
  const kept = keep > 0 ? digits.slice(0, keep) : '0';
  const first = digits.charCodeAt(keep) - 48;
  const restZero = !/[1-9]/.test(digits.slice(keep + 1));
  const lastKeptOdd = (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1;
  const roundUp = first > 5 || (first === 5 && (!restZero || lastKeptOdd));
  return roundUp ? (BigInt(kept) + 1n).toString() : stripLeadingZeros(kept);
}

function stripLeadingZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

/** Digits of |x| at `decimals` places, without a sign: Python's `'%.{decimals}f' % abs(x)`. */
function fixedMagnitude(x: number, decimals: number): string {
  const units = x === 0 ? '0' : roundedUnits(exactDecimal(x), decimals);
  if (decimals === 0) return units;
  const padded = units.padStart(decimals + 1, '0');
  return `${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
}

/** Python's `'%.{decimals}f' % x` (also `'{:.{decimals}f}'`). */
export function pyFixed(x: number, decimals = 6): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  return (isNegative(x) ? '-' : '') + fixedMagnitude(x, decimals);
}

/** Python's `'{:+.{decimals}f}'`: always a sign. */
export function pySignedFixed(x: number, decimals: number): string {
  const special = nonFinite(x);
  if (special !== undefined) return special.startsWith('-') ? special : '+' + special;
  return (isNegative(x) ? '-' : '+') + fixedMagnitude(x, decimals);
}

/**
 * Python's `format(x, '.{precision}g')` (`alternate`: the `#` flag, which keeps trailing zeros and the
 * point). Exponent form when the rounded exponent is < -4 or ≥ precision.
 */
export function pyGeneral(x: number, precision = 6, alternate = false): string {
  const special = nonFinite(x);
  if (special !== undefined) return special;
  const p = precision === 0 ? 1 : precision;
  const sign = isNegative(x) ? '-' : '';
  if (x === 0) return sign + (alternate ? '0.' + '0'.repeat(p - 1) : '0');
  const exact = exactDecimal(x);
  // the exponent of the first significant digit, then of the value rounded to p significant digits
  const leadingZeros = exact.digits.match(/^0*/)?.[0].length ?? 0;
  let exponent = exact.point - leadingZeros - 1;
  const units = roundedUnits(exact, p - 1 - exponent);
  if (units.length > p) exponent += 1; // 9.9996 → 10.000
  if (exponent < -4 || exponent >= p) {
    const mantissa = units.slice(0, p);
    let body = p > 1 ? `${mantissa[0]}.${mantissa.slice(1)}` : mantissa;
    if (!alternate) body = stripZeros(body);
    else if (!body.includes('.')) body += '.';
    const e = Math.abs(exponent);
    return `${sign}${body}e${exponent < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  let body = fixedMagnitude(x, p - 1 - exponent);
  if (!alternate) body = stripZeros(body);
  else if (!body.includes('.')) body += '.';
  return sign + body;
}

function stripZeros(body: string): string {
  return body.includes('.') ? body.replace(/0+$/, '').replace(/\.$/, '') : body;
}

/** Right-aligns `text` in `width` characters (Python's `'{:>w}'`, the default for numbers). */
export function padLeft(text: string, width: number): string {
  const length = [...text].length;
  return length >= width ? text : ' '.repeat(width - length) + text;
}

/** Left-aligns `text` in `width` characters (Python's `'{:w}'` for strings). */
export function padRight(text: string, width: number): string {
  const length = [...text].length;
  return length >= width ? text : text + ' '.repeat(width - length);
}
