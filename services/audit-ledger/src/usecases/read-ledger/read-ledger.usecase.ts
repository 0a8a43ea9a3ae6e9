// Heads, proofs and single leaves: the reads an auditor (or anyone, for the hash-only ones) asks
// the ledger for. Sizes are checked against the committed tree so a proof is never built over
// nodes that are not part of it.
import type { AuditorScope } from '../../domain/auditor-scope';
import { canSee } from '../../domain/auditor-scope';
import type { StoredLeaf } from '../../domain/leaf';
import { LedgerError, LedgerErrorCode } from '../../domain/ledger-error';
import { KeyWrapper, open } from '../../domain/payload-crypto';
import type { PayloadRepository } from '../../repositories/payload.repository';
import type { SubjectKeyRepository } from '../../repositories/subject-key.repository';
import type { StoredHead, TreeHeadRepository } from '../../repositories/tree-head.repository';
import type { TreeRepository } from '../../repositories/tree.repository';
import { subjectOf } from '../ingest-records/ingest-records.usecase';

export type LeafSelector = { readonly index: number } | { readonly eventId: string };

export interface InclusionProof {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: Uint8Array;
  readonly hashes: Uint8Array[];
}

export interface LeafView {
  readonly leaf: StoredLeaf;
  readonly payload?: Uint8Array;
  readonly payloadErased: boolean;
}

export class ReadLedgerUseCase {
  constructor(
    private readonly tree: TreeRepository,
    private readonly heads: TreeHeadRepository,
    private readonly keys: SubjectKeyRepository,
    private readonly payloads: PayloadRepository,
    private readonly keyWrapper: KeyWrapper,
  ) {}

  async latestHead(): Promise<StoredHead> {
    const head = await this.heads.latest();
    if (!head)
      throw new LedgerError(LedgerErrorCode.NoTreeHead, 'no tree head has been signed yet');
    return head;
  }

  /** `treeSize` 0 means the latest signed head's size. */
  async inclusionProof(selector: LeafSelector, treeSize: number): Promise<InclusionProof> {
    const size = treeSize === 0 ? (await this.latestHead()).treeSize : treeSize;
    await this.checkCommitted(size);
    const leaf = await this.findLeaf(selector);
    if (leaf.index >= size) {
      throw new LedgerError(
        LedgerErrorCode.InvalidTreeSize,
        `leaf ${leaf.index} is not in the tree of size ${size}`,
      );
    }
    return {
      leafIndex: leaf.index,
      treeSize: size,
      leafHash: leaf.leafHash,
      hashes: await this.tree.inclusionProof(leaf.index, size),
    };
  }

  async consistencyProof(first: number, second: number): Promise<Uint8Array[]> {
    if (first === 0 || first > second) {
      throw new LedgerError(
        LedgerErrorCode.InvalidTreeSize,
        'a consistency proof needs 0 < first <= second',
      );
    }
    await this.checkCommitted(second);
    return this.tree.consistencyProof(first, second);
  }

  /** A leaf, visible only in the caller's scope (otherwise it does not exist for them). */
  async getLeaf(
    selector: LeafSelector,
    scope: AuditorScope,
    includePayload: boolean,
  ): Promise<LeafView> {
    const leaf = await this.findLeaf(selector);
    if (!canSee(scope, leaf.organisation)) throw notFound();
    const subject = subjectOf(leaf.patientPseudonym, leaf.organisation);
    const key = leaf.kind === 'event' ? await this.keys.find(subject) : undefined;
    const payloadErased = key?.state === 'erased';
    if (!includePayload || !key || key.state !== 'active') return { leaf, payloadErased };
    const sealed = await this.payloads.get(leaf.eventId);
    if (!sealed) return { leaf, payloadErased };
    const dataKey = this.keyWrapper.unwrap(key.material.wrappedKey, subject);
    return { leaf, payloadErased, payload: open(dataKey, sealed.sealed, leaf.eventId) };
  }

  private async findLeaf(selector: LeafSelector): Promise<StoredLeaf> {
    const leaf =
      'index' in selector
        ? await this.tree.leafByIndex(selector.index)
        : await this.tree.leafByEventId(selector.eventId);
    if (!leaf) throw notFound();
    return leaf;
  }

  private async checkCommitted(size: number): Promise<void> {
    const { size: committed } = await this.tree.state();
    if (size > committed) {
      throw new LedgerError(
        LedgerErrorCode.InvalidTreeSize,
        `tree size ${size} is larger than the log (${committed})`,
      );
    }
  }
}

function notFound(): Error {
  return new LedgerError(LedgerErrorCode.LeafNotFound, 'no such leaf');
}
