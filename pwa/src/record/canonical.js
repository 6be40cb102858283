// Canonical JSON exactly as the server computes it (backend/audit/canonical.py, docs/audit-log.md §2.2):
// Python's json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).
//
// Subtleties, each pinned by test/canonical.test.js against bytes Python produced:
// - Keys are sorted by Unicode code point, not by UTF-16 code unit as JavaScript's sort does
//   (they differ only for characters outside the BMP; our keys are ASCII, but be exact).
// - Strings: JSON.stringify escapes exactly what Python escapes (" \ \b \f \n \r \t and other
//   U+0000-U+001F as lower-case \u00xx) and keeps everything else raw; lone surrogates, which
//   Python cannot encode as UTF-8, are refused.
// - Numbers: the server hashes what it *parsed*. An integral JS number is sent as digits and
//   parsed by Python as an int, so it is written as digits. Any other number becomes a Python
//   float, written in Python's shortest round-trip repr (1e-05, 1.5e-07, 0.0001), which differs
//   from JavaScript's (0.00001). NaN and Infinity are refused. The body we send is this same text,
//   so what the server parses re-serializes to the bytes we hashed.
// - undefined (a missing value) is refused rather than silently dropped.

export function canonicalJson(value) {
  return write(value);
}

function write(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean': return value ? 'true' : 'false';
    case 'number': return pythonNumber(value);
    case 'string': return writeString(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
      const keys = Object.keys(value).sort(compareCodePoints);
      return `{${keys.map((k) => {
        if (value[k] === undefined) throw new TypeError(`canonical JSON: ${k} is undefined`);
        return `${writeString(k)}:${write(value[k])}`;
      }).join(',')}}`;
    }
    default: throw new TypeError(`canonical JSON cannot encode ${typeof value}`);
  }
}

function writeString(s) {
  if (/\p{Surrogate}/u.test(s)) throw new TypeError('canonical JSON: lone surrogate in string');
  return JSON.stringify(s);
}

export function compareCodePoints(a, b) {
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

/** A number as Python writes it after parsing the JSON text JavaScript sends for it. */
export function pythonNumber(n) {
  if (!Number.isFinite(n)) throw new TypeError('canonical JSON: NaN and Infinity are not allowed');
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n === 0 ? 0 : n); // -0 is sent as 0
  return pythonFloatRepr(n);
}

/** Python's repr() of a float: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pythonFloatRepr(n) {
  const sign = n < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(n).toExponential().split('e'); // shortest digits, like repr
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  const decpt = e + 1; // position of the decimal point relative to the first digit
  if (decpt <= -4 || decpt > 16) {
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const esign = e < 0 ? '-' : '+';
    return `${sign}${digits[0]}${rest}e${esign}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** Lower-case hex SHA-256 of the canonical JSON of `value`. */
export async function digestOf(value, subtle = globalThis.crypto.subtle) {
  return sha256Hex(new TextEncoder().encode(canonicalJson(value)), subtle);
}

export async function sha256Hex(bytes, subtle = globalThis.crypto.subtle) {
  const hash = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}
