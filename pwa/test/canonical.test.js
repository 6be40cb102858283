import { describe, expect, it } from 'vitest';
import { canonicalJson, digestOf, pythonFloatRepr } from '../src/record/canonical.js';

// Bytes and hashes produced by the server's reference: backend/audit/canonical.py (Python 3).
const VECTORS = [
  [{ b: 1, a: [true, false, null], c: '张伟\n"q"\t\u0001\u007f\u2028/' },
    '{"a":[true,false,null],"b":1,"c":"张伟\\n\\"q\\"\\t\\u0001\u007f\u2028/"}',
    '7fefc15c52d71ad23b5a91719a9139fd8d370e36a51cabd337f945a9f78e8efd'],
  [{ lat: 36.1901, lon: 117.1203, accuracy_m: 8.5, x: 12, y: -0.5, z: 1e-05, w: 0.0001, v: 1.5e-07, u: 123456.789 },
    '{"accuracy_m":8.5,"lat":36.1901,"lon":117.1203,"u":123456.789,"v":1.5e-07,"w":0.0001,"x":12,"y":-0.5,"z":1e-05}',
    '97eae7e39e404d0440ec12d361ffa13490aac9abddbdcce54a1c4be1e782c08a'],
  [{ '\u{1F600}': 1, '\uFFFF': 2, a: 3 }, '{"a":3,"\uFFFF":2,"\u{1F600}":1}',
    '48f8c136ce1b1fb6cc384c2a496fcab8d870f137c9ef71a97d7c4475f6d0eb5d'],
];

describe('canonical JSON', () => {
  it.each(VECTORS)('writes what the server writes (%#)', async (value, text, sha) => {
    expect(canonicalJson(value)).toBe(text);
    expect(await digestOf(value)).toBe(sha);
  });

  it('sorts keys by code point, not by UTF-16 unit (outside the BMP they differ)', () => {
    expect(Object.keys({ '\u{1F600}': 1, '\uFFFF': 2 }).sort()).toEqual(['\u{1F600}', '\uFFFF']); // JS's own order
    expect(canonicalJson({ '\u{1F600}': 1, '\uFFFF': 2 })).toBe('{"\uFFFF":2,"\u{1F600}":1}');
  });

  it.each([
    [0.1, '0.1'], [2.5, '2.5'], [1e-5, '1e-05'], [1.5e-7, '1.5e-07'], [0.0001, '0.0001'], [-0.00001234, '-1.234e-05'],
    [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'], [1e15 + 0.5, '1000000000000000.5'],
    [123456789.123, '123456789.123'],
  ])('writes the float %s as Python repr %s', (n, repr) => {
    expect(pythonFloatRepr(n)).toBe(repr);
    expect(canonicalJson(n)).toBe(repr);
  });

  it('writes integral numbers as integers, as the server parses them (12.0 arrives as 12)', () => {
    expect(canonicalJson([12.0, -0, 2 ** 53, 1e16, 1e21])).toBe('[12,0,9007199254740992,10000000000000000,1e+21]');
  });

  it.each([[NaN], [Infinity], [undefined], [{ a: undefined }], ['\uD800']])('refuses %s', (value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});
