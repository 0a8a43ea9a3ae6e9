// What the auditor console needs of the audit ledger (cairn.audit_ledger.v1). Searches, leaves
// and exports go with the signed-in auditor's access token (the ledger scopes them to the
// auditor's organisation); heads and proofs are public. The adapter is adapters/audit-ledger.grpc.ts.

export type LedgerEntryKind = 'event' | 'malformed' | 'redaction' | 'unknown';

export interface LedgerEntry {
  readonly index: number;
  readonly kind: LedgerEntryKind;
  readonly eventId: string;
  readonly eventType: string;
  readonly source: string;
  readonly eventTime: Date | null;
  readonly organisation: string;
  /** "staff:<id>", "patient:<id>", "system:<id>" or "" when the event named nobody. */
  readonly actor: string;
  /** The ledger's keyed pseudonym of the patient's NHS number ("" when none). */
  readonly patientPseudonym: string;
  readonly topic: string;
  readonly integratedAt: Date | null;
  readonly payloadDigest: Uint8Array;
  /** The canonical bytes the leaf hash commits to. */
  readonly leafData: Uint8Array;
  readonly leafHash: Uint8Array;
  /** The event's protobuf value, when asked for and still readable. */
  readonly payload: Uint8Array | null;
  /** The subject's key was destroyed (crypto-shredded): the payload is gone for good. */
  readonly payloadErased: boolean;
}

export interface EntrySearch {
  /** ODS code; "" means every organisation the caller may see. */
  readonly organisation: string;
  /** A valid NHS number or "": the ledger turns it into its pseudonym and never stores it. */
  readonly nhsNumber: string;
  readonly actorId: string;
  readonly eventType: string;
  readonly from: Date | null;
  /** Exclusive upper bound. */
  readonly to: Date | null;
}

export interface EntryPage {
  readonly entries: readonly LedgerEntry[];
  /** "" on the last page. */
  readonly nextPageToken: string;
}

export interface SignedTreeHead {
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly timestamp: Date;
  readonly keyId: string;
  readonly signature: Uint8Array;
}

export interface InclusionProof {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: Uint8Array;
  readonly hashes: readonly Uint8Array[];
}

export abstract class AuditLedger {
  abstract query(
    accessToken: string,
    search: EntrySearch,
    pageToken: string,
    pageSize: number,
  ): Promise<EntryPage>;

  /** One leaf; NotFound for another organisation's leaf (the ledger decides). */
  abstract entry(accessToken: string, index: number, includePayload: boolean): Promise<LedgerEntry>;

  /** The latest signed tree head, or null before the ledger has signed one. */
  abstract latestHead(): Promise<SignedTreeHead | null>;

  abstract inclusionProof(leafIndex: number, treeSize: number): Promise<InclusionProof>;

  /** The ledger's NDJSON export of a search (each leaf with its proof, and the signed head). */
  abstract exportEntries(accessToken: string, search: EntrySearch): AsyncIterable<Uint8Array>;
}
