// The bytes a signed tree head (STH) signs, defined once for the ledger that signs and the
// auditor's verifier that checks. Fixed-width binary, so there is exactly one encoding:
//
//   "cairn-ledger-sth-v1" ‖ 0x00 ‖ u64be tree size ‖ u64be timestamp (ms since epoch) ‖ root (32)
//
// The domain string keeps a signature over a head from ever being valid for any other message
// signed with the same key. Signatures are Ed25519; a key is named by base64url(SHA-256(SPKI DER)).
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { HASH_SIZE } from './hash';

export const TREE_HEAD_DOMAIN = 'cairn-ledger-sth-v1';

export interface TreeHead {
  readonly treeSize: number;
  /** Milliseconds since the Unix epoch. */
  readonly timestampMs: number;
  readonly rootHash: Uint8Array;
}

const DOMAIN_BYTES = new TextEncoder().encode(TREE_HEAD_DOMAIN);
export const TREE_HEAD_SIGNED_LENGTH = DOMAIN_BYTES.length + 1 + 8 + 8 + HASH_SIZE;

function checkU64(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${name} is not a non-negative safe integer`);
  }
}

/** The exact bytes an Ed25519 tree-head signature covers. */
export function treeHeadSignedBytes(head: TreeHead): Uint8Array {
  checkU64('tree size', head.treeSize);
  checkU64('timestamp', head.timestampMs);
  if (!(head.rootHash instanceof Uint8Array) || head.rootHash.length !== HASH_SIZE) {
    throw new RangeError(`root hash is not ${HASH_SIZE} bytes`);
  }
  const out = new Uint8Array(TREE_HEAD_SIGNED_LENGTH);
  const view = new DataView(out.buffer);
  out.set(DOMAIN_BYTES, 0);
  let at = DOMAIN_BYTES.length + 1; // the 0x00 separator is already zero
  view.setBigUint64(at, BigInt(head.treeSize));
  at += 8;
  view.setBigUint64(at, BigInt(head.timestampMs));
  at += 8;
  out.set(head.rootHash, at);
  return out;
}

/** base64url(SHA-256(SubjectPublicKeyInfo DER)) of an Ed25519 public (or private) key. */
export function treeHeadKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

/** Ed25519 signature over `treeHeadSignedBytes(head)`. */
export function signTreeHead(head: TreeHead, privateKey: KeyObject): Uint8Array {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 key');
  return new Uint8Array(sign(null, treeHeadSignedBytes(head), privateKey));
}

/** True when `signature` is a valid Ed25519 signature by `publicKey` over this head. */
export function verifyTreeHeadSignature(
  head: TreeHead,
  signature: Uint8Array,
  publicKey: KeyObject,
): boolean {
  if (publicKey.asymmetricKeyType !== 'ed25519') return false;
  try {
    return verify(null, treeHeadSignedBytes(head), publicKey, signature);
  } catch {
    return false;
  }
}
