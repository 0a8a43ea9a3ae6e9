// Checks one entry the way an auditor who trusts nothing would: the latest signed tree head's
// Ed25519 signature against the ledger public key the gateway is configured with, the leaf hash
// recomputed from the leaf's bytes, and the inclusion proof up to that head's root
// (@cairn/merkle, RFC 9162). The outcome is said in plain words.
import type { KeyObject } from 'node:crypto';
import {
  bytesEqual,
  leafHash,
  ProofError,
  treeHeadKeyId,
  verifyInclusion,
  verifyTreeHeadSignature,
} from '@cairn/merkle';
import type { StaffContext } from '../../domain/staff-context';
import type { AuditLedger } from '../../ports/audit-ledger.port';
import { auditorScopeOf } from '../audit-shared/auditor-scope';

export type EntryVerification =
  | {
      readonly outcome: 'verified';
      readonly treeSize: number;
      readonly signedAt: Date;
      readonly keyId: string;
    }
  /** The entry is newer than the latest signed head: nothing to verify against yet. */
  | { readonly outcome: 'not-yet-signed'; readonly treeSize: number; readonly signedAt: Date }
  | { readonly outcome: 'failed'; readonly reason: string };

export class AuditVerifyEntryUseCase {
  readonly keyId: string;

  constructor(
    private readonly ledger: AuditLedger,
    private readonly publicKey: KeyObject,
  ) {
    this.keyId = treeHeadKeyId(publicKey);
  }

  async execute(staff: StaffContext, index: number): Promise<EntryVerification> {
    auditorScopeOf(staff);
    const entry = await this.ledger.entry(staff.accessToken, index, false);
    const head = await this.ledger.latestHead();
    if (!head) return failed('the ledger has not signed a tree head yet');
    if (head.keyId !== this.keyId) {
      return failed(
        `the latest tree head names signing key ${head.keyId}, not the configured ledger key ${this.keyId}`,
      );
    }
    const treeHead = {
      treeSize: head.treeSize,
      timestampMs: head.timestamp.getTime(),
      rootHash: head.rootHash,
    };
    let signed = false;
    try {
      signed = verifyTreeHeadSignature(treeHead, head.signature, this.publicKey);
    } catch {
      signed = false;
    }
    if (!signed) {
      return failed(
        `the signature on the tree head of size ${head.treeSize} does not verify with the configured ledger key`,
      );
    }
    if (entry.index >= head.treeSize) {
      return { outcome: 'not-yet-signed', treeSize: head.treeSize, signedAt: head.timestamp };
    }
    const computed = leafHash(entry.leafData);
    if (!bytesEqual(computed, entry.leafHash)) {
      return failed('the leaf bytes the ledger returned do not hash to the leaf hash it gave');
    }
    const proof = await this.ledger.inclusionProof(entry.index, head.treeSize);
    if (proof.leafIndex !== entry.index || proof.treeSize !== head.treeSize) {
      return failed(
        `the ledger answered with a proof for leaf ${proof.leafIndex} in a tree of size ${proof.treeSize}`,
      );
    }
    try {
      verifyInclusion(entry.index, head.treeSize, computed, proof.hashes, head.rootHash);
    } catch (error) {
      if (error instanceof ProofError)
        return failed(`the inclusion proof does not hold: ${error.message}`);
      throw error;
    }
    return {
      outcome: 'verified',
      treeSize: head.treeSize,
      signedAt: head.timestamp,
      keyId: this.keyId,
    };
  }
}

function failed(reason: string): EntryVerification {
  return { outcome: 'failed', reason };
}
