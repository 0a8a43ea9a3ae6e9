import { emptyRoot, leafHash, nodeHash } from './hash';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('hashes match the RFC 6962 reference values', () => {
  expect(hex(emptyRoot())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  expect(hex(leafHash(new Uint8Array()))).toBe(
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  );
  // Two-leaf root in the shared vectors (RFC 6962 test leaves "" and 0x00).
  const root2 = nodeHash(leafHash(new Uint8Array()), leafHash(Uint8Array.of(0x00)));
  expect(Buffer.from(root2).toString('base64')).toBe(
    '+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU=',
  );
});

test('leaf and node hashes are domain-separated', () => {
  const a = leafHash(Uint8Array.of(1));
  const b = leafHash(Uint8Array.of(2));
  const concatenated = new Uint8Array([...a, ...b]);
  expect(leafHash(concatenated)).not.toEqual(nodeHash(a, b));
});

test('hashes are plain Uint8Arrays', () => {
  expect(Object.getPrototypeOf(leafHash(new Uint8Array()))).toBe(Uint8Array.prototype);
});
