import { countSegments } from './segments';

describe('countSegments', () => {
  it.each([
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    ['ő'.repeat(70), 'UCS-2', 1],
    ['ő'.repeat(71), 'UCS-2', 2],
    ['ő'.repeat(134), 'UCS-2', 2],
    ['ő'.repeat(135), 'UCS-2', 3],
  ])('counts %#: %s chars → %s, %i segments', (text, encoding, segments) => {
    const count = countSegments(text, 6);
    expect(count.encoding).toBe(encoding);
    expect(count.segments).toBe(segments);
  });

  it('counts GSM-7 extension characters twice (€ takes an escape)', () => {
    expect(countSegments('€'.repeat(80), 6)).toMatchObject({ characters: 160, segments: 1 });
    expect(countSegments('€'.repeat(81), 6)).toMatchObject({ characters: 162, segments: 2 });
  });

  it('switches to UCS-2 for an emoji and counts its surrogate pair twice', () => {
    const count = countSegments('Your appointment is confirmed 👍', 6);
    expect(count.encoding).toBe('UCS-2');
    expect(count.nonGsmCharacters).toEqual(['👍']);
    expect(countSegments('😀'.repeat(35), 6)).toMatchObject({ characters: 70, segments: 1 });
    expect(countSegments('😀'.repeat(36), 6)).toMatchObject({ characters: 72, segments: 2 });
  });

  it('treats mixed alphabets as UCS-2 and names the characters that forced it', () => {
    const count = countSegments('Hello Привет', 6);
    expect(count.encoding).toBe('UCS-2');
    expect(count.nonGsmCharacters).toContain('П');
  });

  it('keeps accented letters that GSM 03.38 has in GSM-7', () => {
    expect(countSegments('café à é ü ñ', 6).encoding).toBe('GSM-7');
  });

  it('gives the maximum length for the encoding', () => {
    expect(countSegments('hello', 6).maxCharacters).toBe(6 * 153);
    expect(countSegments('héllo ő', 6).maxCharacters).toBe(6 * 67);
  });
});
