import { describe, expect, it } from 'vitest';
import { canonicalJson, digestOf, jsonNumber } from '../src/record/canonical.js';

// Bytes and hashes produced by the server's function: backend/field/canonical.py (RFC 8785).
const VECTORS = [
  [{ b: 1, a: [true, false, null], c: '张伟\n"q"\t\u0001\u007f\u2028/' },
    '{"a":[true,false,null],"b":1,"c":"张伟\\n\\"q\\"\\t\\u0001\u007f\u2028/"}',
    '7fefc15c52d71ad23b5a91719a9139fd8d370e36a51cabd337f945a9f78e8efd'],
  [{ lat: 36.1901, lon: 117.1203, accuracy_m: 8.5, x: 12, y: -0.5, z: 1e-05, w: 0.0001, v: 1.5e-07, u: 123456.789,
    t: 1e21, s: 0.1 + 0.2, r: -0, q: 2 ** 53, p: 1e-6 },
  '{"accuracy_m":8.5,"lat":36.1901,"lon":117.1203,"p":0.000001,"q":9007199254740992,"r":0,"s":0.30000000000000004,'
    + '"t":1e+21,"u":123456.789,"v":1.5e-7,"w":0.0001,"x":12,"y":-0.5,"z":0.00001}',
  '6c2fcbb76d12e859e221063f2fc9e1b91e6cfebb95862c6e09100b251bbe40e0'],
  [{ '\u{1F600}': 1, '\uFFFF': 2, a: 3 }, '{"a":3,"\u{1F600}":1,"\uFFFF":2}',
    '92a98ee3f7f8f30bd80c9d464a68ad47d46e0da2bc7da9c2b5a391e15fd1b4ff'],
];

describe('canonical JSON (RFC 8785)', () => {
  it.each(VECTORS)('writes what the server writes (%#)', async (value, text, sha) => {
    expect(canonicalJson(value)).toBe(text);
    expect(await digestOf(value)).toBe(sha);
  });

  it('sorts keys by UTF-16 code unit, as RFC 8785 does (the example of its section 3.2.3)', () => {
    const keys = ['\u20ac', '\r', '\ufb33', '1', '\u{1F600}', '\u0080', '\u00f6'];
    const value = Object.fromEntries(keys.map((k, i) => [k, i]));
    expect(canonicalJson(value)).toBe('{"\\r":1,"1":3,"\u0080":5,"\u00f6":6,"\u20ac":0,"\ud83d\ude00":4,"\ufb33":2}');
  });

  it('writes the RFC 8785 example byte for byte', () => {
    const parsed = JSON.parse('{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
      + ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}');
    expect(canonicalJson(parsed)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,'
      + '1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it.each([
    [1.0, '1'], [12.0, '12'], [1e21, '1e+21'], [1e20, '100000000000000000000'], [1e-7, '1e-7'], [1e-6, '0.000001'],
    [-0, '0'], [0.1 + 0.2, '0.30000000000000004'], [2 ** 53 + 1, '9007199254740992'], [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'], [-0.00001234, '-0.00001234'], [123456789.123, '123456789.123'],
  ])('writes the number %s as %s', (n, text) => {
    expect(jsonNumber(n)).toBe(text);
    expect(canonicalJson(n)).toBe(text);
  });

  it.each([[NaN], [Infinity], [undefined], [{ a: undefined }], ['\uD800']])('refuses %s', (value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});
