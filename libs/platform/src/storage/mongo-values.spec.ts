import { mongo } from 'mongoose';
import { bytesOf, isDuplicateKey } from './mongo-values';

describe('MongoDB values', () => {
  it('recognises duplicate keys in single and bulk writes only', () => {
    expect(isDuplicateKey({ code: 11000 })).toBe(true);
    expect(isDuplicateKey({ writeErrors: [{ code: 121 }, { code: 11000 }] })).toBe(true);
    expect(isDuplicateKey({ code: 121, writeErrors: [{ code: 121 }] })).toBe(false);
    expect(isDuplicateKey(new Error('x'))).toBe(false);
    expect(isDuplicateKey(undefined)).toBe(false);
  });

  it('reads binary fields as the driver returns them', () => {
    const bytes = Buffer.from([1, 2, 3]);
    expect(bytesOf(bytes)).toBe(bytes);
    expect([...bytesOf(new Uint8Array([4, 5]))]).toEqual([4, 5]);
    expect([...bytesOf(new mongo.Binary(Buffer.from([6, 7])))]).toEqual([6, 7]);
    expect(() => bytesOf('text')).toThrow(/binary/);
  });
});
