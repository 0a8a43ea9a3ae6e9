// The verifier's own RFC 6962 / RFC 9162 core: a deliberately independent, dependency-free copy
// (an auditor should not have to trust the ledger's code to check the ledger), tested against the
// same shared vectors as libs/merkle. Erasable TypeScript only, so Node runs it as it is.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

export const HASH_SIZE = 32;

function sha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export function leafHash(data: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0), data);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(1), left, right);
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export class VerificationError extends Error {
  override name = 'VerificationError';
}

function fail(message: string): never {
  throw new VerificationError(message);
}

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function checkHash(name: string, h: Uint8Array): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE)
    fail(`${name} is not ${HASH_SIZE} bytes`);
}

// Sizes are below 2^53, so halving by division is exact where >> would truncate to 32 bits.
const half = (n: number) => Math.floor(n / 2);
const odd = (n: number) => n % 2 === 1;

/** RFC 9162 §2.1.3.2; throws VerificationError when the proof does not lead to `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  hash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  if (!isSize(index) || !isSize(size)) fail('index or size is not a non-negative safe integer');
  if (index >= size) fail(`index ${index} is not below size ${size}`);
  checkHash('leaf hash', hash);
  checkHash('root', root);
  proof.forEach((p, i) => checkHash(`proof element ${i}`, p));
  let fn = index;
  let sn = size - 1;
  let r = hash;
  for (const p of proof) {
    if (sn === 0) fail('inclusion proof is too long');
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) fail('inclusion proof is too short');
  if (!equal(r, root)) fail('inclusion proof does not lead to the root');
}

/** RFC 9162 §2.1.4.2; throws VerificationError unless tree `size1` is a prefix of tree `size2`. */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  if (!isSize(size1) || !isSize(size2)) fail('sizes are not non-negative safe integers');
  if (size1 > size2) fail('size1 is greater than size2');
  if (size1 === 0) fail('a consistency proof from the empty tree proves nothing');
  if (size1 === size2) {
    if (proof.length > 0) fail('proof between equal sizes must be empty');
    if (!equal(root1, root2)) fail('two roots for one size differ');
    return;
  }
  checkHash('root1', root1);
  checkHash('root2', root2);
  proof.forEach((p, i) => checkHash(`proof element ${i}`, p));
  if (proof.length === 0) fail('consistency proof is empty');
  let pow2 = size1;
  while (pow2 > 1 && !odd(pow2)) pow2 = half(pow2);
  const path = pow2 === 1 ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) fail('consistency proof is too long');
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) fail('consistency proof is too short');
  if (!equal(fr, root1)) fail('consistency proof does not lead to root1');
  if (!equal(sr, root2)) fail('consistency proof does not lead to root2');
}

/** MTH over leaf hashes in order, in O(log n) memory: push, merge equal-sized neighbours, fold. */
export class RootBuilder {
  private readonly stack: Array<{ size: number; hash: Uint8Array }> = [];
  count = 0;

  push(hash: Uint8Array): void {
    let node = { size: 1, hash };
    let top = this.stack.at(-1);
    while (top && top.size === node.size) {
      this.stack.pop();
      node = { size: top.size * 2, hash: nodeHash(top.hash, node.hash) };
      top = this.stack.at(-1);
    }
    this.stack.push(node);
    this.count++;
  }

  root(): Uint8Array {
    if (this.stack.length === 0) return sha256();
    let r = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) r = nodeHash(this.stack[i].hash, r);
    return r;
  }
}

// --- signed tree heads (the encoding libs/merkle/src/signed-tree-head.ts defines) ---------------

export const TREE_HEAD_DOMAIN = 'cairn-ledger-sth-v1';

export interface TreeHead {
  treeSize: number;
  timestampMs: number;
  rootHash: Uint8Array;
}

/** "cairn-ledger-sth-v1" ‖ 0x00 ‖ u64be size ‖ u64be timestamp ms ‖ root. */
export function treeHeadSignedBytes(head: TreeHead): Uint8Array {
  if (!isSize(head.treeSize) || !isSize(head.timestampMs)) fail('head size or time is invalid');
  checkHash('root hash', head.rootHash);
  const domain = new TextEncoder().encode(TREE_HEAD_DOMAIN);
  const out = new Uint8Array(domain.length + 1 + 8 + 8 + HASH_SIZE);
  const view = new DataView(out.buffer);
  out.set(domain, 0);
  view.setBigUint64(domain.length + 1, BigInt(head.treeSize));
  view.setBigUint64(domain.length + 9, BigInt(head.timestampMs));
  out.set(head.rootHash, domain.length + 17);
  return out;
}

export function keyIdOf(publicKey: KeyObject): string {
  const key = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  const spki = key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64url');
}

export function verifyTreeHead(
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
