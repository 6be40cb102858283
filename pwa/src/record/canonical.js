// The canonical JSON of a check record (docs/field-api.md §2): RFC 8785, the JSON Canonicalization
// Scheme, which the server computes too (backend/field/canonical.py) over the JSON it parsed.
//
// - Keys are sorted by UTF-16 code unit, which is what Array.prototype.sort does with strings.
// - Strings are written as JSON.stringify writes them; lone surrogates are refused (JCS needs
//   valid Unicode, and the server could not encode them as UTF-8).
// - Numbers are written as JSON.stringify writes them (Number::toString): 12 not 12.0, 1e-7,
//   0.000001, 1e+21; -0 is 0; NaN and Infinity are refused. The server parses our text and writes
//   every number back as the same double in the same form, so the digests agree; vectors in
//   test/canonical.test.js.
// - undefined (a missing value) is refused rather than silently dropped.

export function canonicalJson(value) {
  return write(value);
}

function write(value) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean': return value ? 'true' : 'false';
    case 'number': return jsonNumber(value);
    case 'string': return writeString(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
      const keys = Object.keys(value).sort(); // UTF-16 code unit order, as RFC 8785 asks
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

/** A number as RFC 8785 writes it: ECMAScript's own Number::toString, -0 as 0. */
export function jsonNumber(n) {
  if (!Number.isFinite(n)) throw new TypeError('canonical JSON: NaN and Infinity are not allowed');
  return JSON.stringify(n); // JSON.stringify(-0) is "0"
}

/** Lower-case hex SHA-256 of the canonical JSON of `value`. */
export async function digestOf(value, subtle = globalThis.crypto.subtle) {
  return sha256Hex(new TextEncoder().encode(canonicalJson(value)), subtle);
}

export async function sha256Hex(bytes, subtle = globalThis.crypto.subtle) {
  const hash = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}
