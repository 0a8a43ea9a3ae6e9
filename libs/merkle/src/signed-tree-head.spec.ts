import { generateKeyPairSync } from 'node:crypto';
import {
  TREE_HEAD_SIGNED_LENGTH,
  signTreeHead,
  treeHeadKeyId,
  treeHeadSignedBytes,
  verifyTreeHeadSignature,
} from './signed-tree-head';

const root = new Uint8Array(32).fill(7);

describe('signed tree head encoding', () => {
  it('is the domain, a zero byte, big-endian size and time, then the root', () => {
    const bytes = treeHeadSignedBytes({
      treeSize: 258,
      timestampMs: 1_700_000_000_123,
      rootHash: root,
    });
    expect(bytes.length).toBe(TREE_HEAD_SIGNED_LENGTH);
    const hex = Buffer.from(bytes).toString('hex');
    expect(hex).toBe(
      Buffer.from('cairn-ledger-sth-v1').toString('hex') +
        '00' +
        '0000000000000102' +
        (1_700_000_000_123).toString(16).padStart(16, '0') +
        '07'.repeat(32),
    );
  });

  it('refuses sizes that are not u64-safe and roots of the wrong length', () => {
    expect(() => treeHeadSignedBytes({ treeSize: -1, timestampMs: 0, rootHash: root })).toThrow(
      RangeError,
    );
    expect(() => treeHeadSignedBytes({ treeSize: 1, timestampMs: 0.5, rootHash: root })).toThrow(
      RangeError,
    );
    expect(() =>
      treeHeadSignedBytes({ treeSize: 1, timestampMs: 0, rootHash: new Uint8Array(31) }),
    ).toThrow(RangeError);
  });

  it('verifies with the signing key and rejects another key, another size or another root', () => {
    const ours = generateKeyPairSync('ed25519');
    const theirs = generateKeyPairSync('ed25519');
    const head = { treeSize: 5, timestampMs: 1_000, rootHash: root };
    const signature = signTreeHead(head, ours.privateKey);
    expect(verifyTreeHeadSignature(head, signature, ours.publicKey)).toBe(true);
    expect(verifyTreeHeadSignature(head, signature, theirs.publicKey)).toBe(false);
    expect(verifyTreeHeadSignature({ ...head, treeSize: 6 }, signature, ours.publicKey)).toBe(
      false,
    );
    const otherRoot = Uint8Array.from(root);
    otherRoot[0] ^= 1;
    expect(
      verifyTreeHeadSignature({ ...head, rootHash: otherRoot }, signature, ours.publicKey),
    ).toBe(false);
  });

  it('names a key by the SHA-256 of its SPKI, the same from either half', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const id = treeHeadKeyId(publicKey);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(treeHeadKeyId(privateKey)).toBe(id);
  });
});
