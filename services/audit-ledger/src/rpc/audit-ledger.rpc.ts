// cairn.audit_ledger.v1.AuditLedgerService: proto ↔ use-case mapping only.
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate, timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { ActorSchema, Actor_Kind } from '@cairn/contracts';
import {
  AuditLedgerService,
  ExportEntriesResponseSchema,
  GetConsistencyProofResponseSchema,
  GetInclusionProofResponseSchema,
  GetLeafResponseSchema,
  GetSignedTreeHeadResponseSchema,
  LeafKind as ProtoLeafKind,
  LeafSchema,
  QueryEntriesResponseSchema,
  type EntryFilter,
  type ExportEntriesRequest,
  type GetConsistencyProofRequest,
  type GetInclusionProofRequest,
  type GetLeafRequest,
  type QueryEntriesRequest,
} from '@cairn/contracts/cairn/audit_ledger/v1/ledger_pb';
import { requirePlatformRole, requireSameOrganisation } from '@cairn/auth';
import { RpcService } from '@cairn/platform';
import { Inject } from '@nestjs/common';
import { auditorScopeOf, PLATFORM_AUDITOR_ROLE, type AuditorScope } from '../domain/auditor-scope';
import { LeafKind, type Actor, type StoredLeaf } from '../domain/leaf';
import { LedgerError, LedgerErrorCode } from '../domain/ledger-error';
import { signedTreeHeadMessage } from '../heads/tree-head.event-publisher';
import { ExportEntriesUseCase } from '../usecases/export-entries/export-entries.usecase';
import {
  QueryEntriesUseCase,
  type EntryQuery,
} from '../usecases/query-entries/query-entries.usecase';
import { ReadLedgerUseCase, type LeafSelector } from '../usecases/read-ledger/read-ledger.usecase';

const LEAF_KINDS: Record<LeafKind, ProtoLeafKind> = {
  [LeafKind.Event]: ProtoLeafKind.EVENT,
  [LeafKind.Malformed]: ProtoLeafKind.MALFORMED,
  [LeafKind.Redaction]: ProtoLeafKind.REDACTION,
};

const ACTOR_KINDS: Record<Actor['kind'], Actor_Kind> = {
  staff: Actor_Kind.STAFF,
  patient: Actor_Kind.PATIENT,
  system: Actor_Kind.SYSTEM,
  unspecified: Actor_Kind.UNSPECIFIED,
};

function size(value: bigint, name: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new LedgerError(LedgerErrorCode.InvalidTreeSize, `${name} is too large`);
  }
  return Number(value);
}

function selector(leaf: GetInclusionProofRequest['leaf'] | GetLeafRequest['leaf']): LeafSelector {
  switch (leaf.case) {
    case 'leafIndex':
      return { index: size(leaf.value, 'leaf_index') };
    case 'eventId':
      if (leaf.value === '') break;
      return { eventId: leaf.value };
  }
  throw new LedgerError(
    LedgerErrorCode.InvalidLeafSelector,
    'name the leaf by leaf_index or event_id',
  );
}

function entryQuery(filter: EntryFilter | undefined): EntryQuery {
  return {
    organisation: filter?.organisation || undefined,
    patientNhsNumber: filter?.patientNhsNumber || undefined,
    actorId: filter?.actorId || undefined,
    eventType: filter?.eventType || undefined,
    from: filter?.from ? timestampDate(filter.from) : undefined,
    to: filter?.to ? timestampDate(filter.to) : undefined,
  };
}

/**
 * The auditor's scope for a search or export. An organisation's auditor naming another
 * organisation is refused (PermissionDenied) by the shared guard; the use cases confine the
 * search to their organisation as well.
 */
function searchScope(context: HandlerContext, filter: EntryFilter | undefined): AuditorScope {
  const scope = auditorScopeOf(context);
  if (scope.kind === 'organisation' && filter?.organisation) {
    requireSameOrganisation(context, filter.organisation);
  }
  return scope;
}

export function leafMessage(
  leaf: StoredLeaf,
  extra: { payload?: Uint8Array; payloadErased?: boolean } = {},
): MessageInitShape<typeof LeafSchema> {
  return {
    index: BigInt(leaf.index),
    kind: LEAF_KINDS[leaf.kind],
    eventId: leaf.eventId,
    eventType: leaf.eventType,
    source: leaf.source,
    eventTime: leaf.eventTime ? timestampFromDate(leaf.eventTime) : undefined,
    organisation: leaf.organisation,
    actor: leaf.actor
      ? create(ActorSchema, { kind: ACTOR_KINDS[leaf.actor.kind], id: leaf.actor.id })
      : undefined,
    patientPseudonym: leaf.patientPseudonym,
    leafData: leaf.leafData,
    leafHash: leaf.leafHash,
    integratedAt: timestampFromMs(leaf.integratedAt.getTime()),
    topic: leaf.topic,
    payload: extra.payload,
    payloadErased: extra.payloadErased ?? false,
  };
}

@RpcService(AuditLedgerService)
export class AuditLedgerRpc implements ServiceImpl<typeof AuditLedgerService> {
  constructor(
    @Inject(ReadLedgerUseCase) private readonly reads: ReadLedgerUseCase,
    @Inject(QueryEntriesUseCase) private readonly queries: QueryEntriesUseCase,
    @Inject(ExportEntriesUseCase) private readonly exports: ExportEntriesUseCase,
  ) {}

  async getSignedTreeHead() {
    const head = await this.reads.latestHead();
    return create(GetSignedTreeHeadResponseSchema, { head: signedTreeHeadMessage(head) });
  }

  async getInclusionProof(request: GetInclusionProofRequest) {
    const proof = await this.reads.inclusionProof(
      selector(request.leaf),
      size(request.treeSize, 'tree_size'),
    );
    return create(GetInclusionProofResponseSchema, {
      leafIndex: BigInt(proof.leafIndex),
      treeSize: BigInt(proof.treeSize),
      leafHash: proof.leafHash,
      hashes: proof.hashes,
    });
  }

  async getConsistencyProof(request: GetConsistencyProofRequest) {
    const hashes = await this.reads.consistencyProof(
      size(request.first, 'first'),
      size(request.second, 'second'),
    );
    return create(GetConsistencyProofResponseSchema, {
      first: request.first,
      second: request.second,
      hashes,
    });
  }

  async getLeaf(request: GetLeafRequest, context: HandlerContext) {
    const scope = auditorScopeOf(context);
    const view = await this.reads.getLeaf(selector(request.leaf), scope, request.includePayload);
    return create(GetLeafResponseSchema, {
      leaf: leafMessage(view.leaf, { payload: view.payload, payloadErased: view.payloadErased }),
    });
  }

  async queryEntries(request: QueryEntriesRequest, context: HandlerContext) {
    const scope = searchScope(context, request.filter);
    const page = await this.queries.execute(entryQuery(request.filter), scope, {
      size: request.pageSize,
      token: request.pageToken,
    });
    return create(QueryEntriesResponseSchema, {
      entries: page.entries.map((leaf) => leafMessage(leaf)),
      nextPageToken: page.nextPageToken,
    });
  }

  async *exportEntries(request: ExportEntriesRequest, context: HandlerContext) {
    const scope = searchScope(context, request.filter);
    if (request.complete) requirePlatformRole(context, PLATFORM_AUDITOR_ROLE);
    let chunk = '';
    for await (const line of this.exports.execute(
      { filter: entryQuery(request.filter), complete: request.complete },
      scope,
    )) {
      chunk += line;
      if (chunk.length >= 64 * 1024) {
        yield create(ExportEntriesResponseSchema, { ndjson: Buffer.from(chunk, 'utf8') });
        chunk = '';
      }
    }
    if (chunk) yield create(ExportEntriesResponseSchema, { ndjson: Buffer.from(chunk, 'utf8') });
  }
}
