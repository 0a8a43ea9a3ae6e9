import { canonicalJson } from './canonical-json';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units at every depth (RFC 8785 §3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the keys back from the text: JSON.parse would reorder integer-like keys ("1") first.
    const keys = [...canonicalJson(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map(
      (m) => JSON.parse(`"${m[1]}"`) as string,
    );
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('writes no whitespace and escapes strings as ECMAScript does', () => {
    expect(canonicalJson({ b: [1, 'x\n"y'], a: { d: null, c: true } })).toBe(
      '{"a":{"c":true,"d":null},"b":[1,"x\\n\\"y"]}',
    );
    expect(canonicalJson('\u2028\u001f')).toBe('"\u2028\\u001f"');
  });

  it('refuses, when asked for integers only, numbers whose encoding a verifier might not reproduce', () => {
    expect(() => canonicalJson(1.5, { integersOnly: true })).toThrow(RangeError);
    expect(() => canonicalJson(2 ** 60, { integersOnly: true })).toThrow(RangeError);
    expect(canonicalJson(1.5)).toBe('1.5');
  });
});

describe('canonicalJson numbers and refusals', () => {
  it('sorts members by UTF-16 code units and serialises like the RFC examples', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], '\u20ac': 2, '\r': 3, é: 4 })).toBe(
      '{"\\r":3,"a":[true,null,"x"],"b":1,"é":4,"€":2}',
    );
    expect(canonicalJson({ n: 1e21, m: 0.000001, z: -0, s: '\u2028' })).toBe(
      '{"m":0.000001,"n":1e+21,"s":"\u2028","z":0}',
    );
  });

  it('refuses what JSON cannot say exactly', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson(new Date() as never)).toThrow(TypeError);
  });
});
