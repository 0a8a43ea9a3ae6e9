// The audit ledger over its gRPC API (cairn.audit_ledger.v1). Auditor calls forward the staff
// member's access token; heads and proofs are anonymous, as the ledger serves them to anyone.
import { Code, ConnectError } from '@connectrpc/connect';
import { timestampDate, timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { Actor_Kind } from '@cairn/contracts/cairn/common/v1/event_pb';
import {
  AuditLedgerService,
  LeafKind,
  type EntryFilterSchema,
  type Leaf,
} from '@cairn/contracts/cairn/audit_ledger/v1/ledger_pb';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { createServiceClient } from '@cairn/platform';
import {
  AuditLedger,
  type EntryPage,
  type EntrySearch,
  type InclusionProof,
  type LedgerEntry,
  type LedgerEntryKind,
  type SignedTreeHead,
} from '../ports/audit-ledger.port';
import { bearer } from './grpc-clients';

export function auditLedgerClient(baseUrl: string) {
  // Proofs on FerretDB take seconds on a large log (see the ledger's README), and exports stream.
  return createServiceClient(AuditLedgerService, { baseUrl, deadlineMs: 120_000 });
}

export class GrpcAuditLedger extends AuditLedger {
  constructor(private readonly client: ReturnType<typeof auditLedgerClient>) {
    super();
  }

  async query(
    accessToken: string,
    search: EntrySearch,
    pageToken: string,
    pageSize: number,
  ): Promise<EntryPage> {
    const res = await this.client.queryEntries(
      { filter: filterOf(search), pageToken, pageSize },
      bearer(accessToken),
    );
    return { entries: res.entries.map(entryOf), nextPageToken: res.nextPageToken };
  }

  async entry(accessToken: string, index: number, includePayload: boolean): Promise<LedgerEntry> {
    const res = await this.client.getLeaf(
      { leaf: { case: 'leafIndex', value: BigInt(index) }, includePayload },
      bearer(accessToken),
    );
    if (!res.leaf) throw new ConnectError('the ledger sent no leaf', Code.Internal);
    return entryOf(res.leaf);
  }

  async latestHead(): Promise<SignedTreeHead | null> {
    let res;
    try {
      res = await this.client.getSignedTreeHead({});
    } catch (error) {
      const none =
        error instanceof ConnectError &&
        (error.code === Code.NotFound || error.code === Code.FailedPrecondition);
      if (none) return null;
      throw error;
    }
    const head = res.head;
    if (!head?.timestamp) return null;
    return {
      treeSize: Number(head.treeSize),
      rootHash: head.rootHash,
      timestamp: timestampDate(head.timestamp),
      keyId: head.keyId,
      signature: head.signature,
    };
  }

  async inclusionProof(leafIndex: number, treeSize: number): Promise<InclusionProof> {
    const res = await this.client.getInclusionProof({
      leaf: { case: 'leafIndex', value: BigInt(leafIndex) },
      treeSize: BigInt(treeSize),
    });
    return {
      leafIndex: Number(res.leafIndex),
      treeSize: Number(res.treeSize),
      leafHash: res.leafHash,
      hashes: res.hashes,
    };
  }

  async *exportEntries(accessToken: string, search: EntrySearch): AsyncIterable<Uint8Array> {
    for await (const res of this.client.exportEntries(
      { filter: filterOf(search) },
      bearer(accessToken),
    )) {
      yield res.ndjson;
    }
  }
}

function filterOf(search: EntrySearch): MessageInitShape<typeof EntryFilterSchema> {
  return {
    organisation: search.organisation,
    patientNhsNumber: search.nhsNumber,
    actorId: search.actorId,
    eventType: search.eventType,
    from: search.from ? timestampFromDate(search.from) : undefined,
    to: search.to ? timestampFromDate(search.to) : undefined,
  };
}

const KINDS: Record<number, LedgerEntryKind> = {
  [LeafKind.EVENT]: 'event',
  [LeafKind.MALFORMED]: 'malformed',
  [LeafKind.REDACTION]: 'redaction',
};

const ACTOR_KINDS: Record<number, string> = {
  [Actor_Kind.STAFF]: 'staff',
  [Actor_Kind.PATIENT]: 'patient',
  [Actor_Kind.SYSTEM]: 'system',
};

function dateOf(timestamp: Timestamp | undefined): Date | null {
  return timestamp ? timestampDate(timestamp) : null;
}

function entryOf(leaf: Leaf): LedgerEntry {
  const actorKind = leaf.actor ? ACTOR_KINDS[leaf.actor.kind] : undefined;
  return {
    index: Number(leaf.index),
    kind: KINDS[leaf.kind] ?? 'unknown',
    eventId: leaf.eventId,
    eventType: leaf.eventType,
    source: leaf.source,
    eventTime: dateOf(leaf.eventTime),
    organisation: leaf.organisation,
    actor: actorKind && leaf.actor ? `${actorKind}:${leaf.actor.id}` : '',
    patientPseudonym: leaf.patientPseudonym,
    topic: leaf.topic,
    integratedAt: dateOf(leaf.integratedAt),
    payloadDigest: leaf.payloadDigest,
    leafData: leaf.leafData,
    leafHash: leaf.leafHash,
    payload: leaf.payload.length > 0 ? leaf.payload : null,
    payloadErased: leaf.payloadErased,
  };
}
