// An auditor's export as NDJSON, checkable by tools/verifier without the service:
//   {"type":"export","version":1,"complete":<bool>,"treeSize":n}
//   {"type":"tree_head", ...}                       the signed head every proof below refers to
//   {"type":"leaf","index":i,"eventId":…,"kind":…,"leafData":b64,"leafHash":b64,"proof":[b64…]}
// A complete export (platform auditors only) lists every leaf 0…n-1, so the verifier can also
// recompute the root; a filtered one carries an inclusion proof per leaf.
import type { AuditorScope } from '../../domain/auditor-scope';
import type { StoredLeaf } from '../../domain/leaf';
import { LedgerError, LedgerErrorCode } from '../../domain/ledger-error';
import { treeHeadJson } from '../../heads/tree-head.json';
import type { TreeRepository } from '../../repositories/tree.repository';
import type { QueryEntriesUseCase, EntryQuery } from '../query-entries/query-entries.usecase';
import type { ReadLedgerUseCase } from '../read-ledger/read-ledger.usecase';

const PAGE = 500;

export class ExportEntriesUseCase {
  constructor(
    private readonly tree: TreeRepository,
    private readonly reads: ReadLedgerUseCase,
    private readonly query: QueryEntriesUseCase,
  ) {}

  /** NDJSON lines (each ending in \n), streamed page by page. */
  async *execute(
    request: { filter: EntryQuery; complete: boolean },
    scope: AuditorScope,
  ): AsyncGenerator<string> {
    if (request.complete && scope.kind !== 'platform') {
      throw new LedgerError(
        LedgerErrorCode.OrganisationNotPermitted,
        'only platform auditors may export the complete log',
      );
    }
    const filter = request.complete ? {} : this.query.filterFor(request.filter, scope);
    const head = await this.reads.latestHead();
    yield line({
      type: 'export',
      version: 1,
      complete: request.complete,
      treeSize: head.treeSize,
    });
    yield line(treeHeadJson(head));
    let after = -1;
    for (;;) {
      const leaves = await this.tree.findLeaves(filter, head.treeSize, after, PAGE);
      if (leaves.length === 0) return;
      for (const leaf of leaves) yield line(await this.leafLine(leaf, head.treeSize));
      after = leaves[leaves.length - 1].index;
    }
  }

  private async leafLine(leaf: StoredLeaf, treeSize: number) {
    const proof = await this.tree.inclusionProof(leaf.index, treeSize);
    return {
      type: 'leaf',
      index: leaf.index,
      eventId: leaf.eventId,
      kind: leaf.kind,
      leafData: Buffer.from(leaf.leafData).toString('base64'),
      leafHash: Buffer.from(leaf.leafHash).toString('base64'),
      proof: proof.map((h) => Buffer.from(h).toString('base64')),
    };
  }
}

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
