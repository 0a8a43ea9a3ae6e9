// Subject access (issue #8, UK GDPR Art. 15): everything Cairn holds about one patient of the
// caller's organisation, as one package for the controller. The organisation's Caldicott Guardian
// or Privacy Officer asks; the gateway asks each service for its part with their own access token
// (each service checks role and organisation again and records its own access), writes the parts
// one after another into the package (streamed, never held whole) and ends with manifest.json:
// what was asked of whom and when, counts, the SHA-256 of every file, and the parts that failed or
// were not included, named rather than silently left out. The package is then on the record as
// SubjectAccessPackageAssembled (the NHS number only in the cairn_patient header).
//
// prepare() runs before the first byte is sent (role, NHS number, directory entry), so the page can
// still answer with an error; assemble() streams.
import { randomUUID } from 'node:crypto';
import { Code, ConnectError } from '@connectrpc/connect';
import { DomainError, ErrorKind } from '@cairn/platform';
import { describeNhsNumberProblem, parseNhsNumber } from '@cairn/nhs';
import type { PatientLink } from '../../domain/patient-link';
import { Clock } from '../../domain/settings';
import type { StaffContext } from '../../domain/staff-context';
import type { AuditLedger, LedgerEntry } from '../../ports/audit-ledger.port';
import type { DirectoryPatient, PatientDirectory } from '../../ports/identity.port';
import {
  documentGroup,
  type MediaVault,
  type StoredObjectInfo,
} from '../../ports/media-vault.port';
import {
  MAX_HISTORY_PAGE_SIZE,
  type Messaging,
  type SentMessage,
} from '../../ports/messaging.port';
import type { Retention } from '../../ports/retention.port';
import { isAuditor } from '../audit-shared/auditor-scope';
import type { PackageWriter, WrittenFile } from './package-writer';
import { SubjectAccessError, SubjectAccessErrorCode } from './subject-access-error';

export const SUBJECT_ACCESS_ROLES = ['caldicott-guardian', 'privacy-officer'] as const;
/** Links of one patient read from the gateway's own database (far above any real patient). */
export const MAX_LINKS = 10_000;
/** Audit entries collected at most (memory); the manifest says when the trail was cut there. */
export const MAX_AUDIT_ENTRIES = 10_000;
const AUDIT_PAGE_SIZE = 500;
/**
 * Messages collected at most (memory: they are held until messages.json is written), newest
 * first; the manifest says when the history was cut there. Far above any real patient's history.
 */
export const MAX_MESSAGES = 10_000;
/** Pages asked of messaging at most (a guard should pages come back smaller than asked). */
export const MAX_MESSAGE_PAGES = 100;

export function maySubjectAccess(staff: Pick<StaffContext, 'roles'>): boolean {
  return SUBJECT_ACCESS_ROLES.some((role) => staff.roles.includes(role));
}

export type SourceStatus = 'included' | 'failed' | 'not-configured' | 'not-included';

/** One question asked of one service, as the manifest records it. */
export interface SourceRecord {
  readonly service: string;
  readonly call: string;
  readonly askedAt: string;
  readonly status: SourceStatus;
  readonly count: number;
  readonly files: string[];
  /** Why it failed or was left out (an error code, never a patient detail). */
  readonly reason?: string;
}

export interface SubjectAccessSummary {
  readonly packageId: string;
  readonly staff: StaffContext;
  readonly nhsNumber: string;
  readonly assembledAt: Date;
  /** Hex SHA-256 of manifest.json; "" when the package broke off before it. */
  readonly manifestSha256: string;
  readonly fileCount: number;
  readonly totalBytes: number;
  readonly messageCount: number;
  readonly linkCount: number;
  readonly mediaObjectCount: number;
  readonly auditEntryCount: number;
  readonly failed: readonly string[];
  readonly notIncluded: readonly string[];
  readonly incomplete: boolean;
}

/** Puts the package on the record (SubjectAccessPackageAssembled through the outbox). */
export interface SubjectAccessRecorder {
  recordAssembled(summary: SubjectAccessSummary): Promise<void>;
}

export interface SubjectAccessSources {
  readonly directory: PatientDirectory;
  readonly messaging: Messaging;
  readonly vault: MediaVault;
  readonly links: {
    listForPatient(odsCode: string, nhsNumber: string, limit?: number): Promise<PatientLink[]>;
  };
  /** Absent when RETENTION_URL is not set: the manifest says "not configured". */
  readonly retention?: Retention;
  /** Absent when AUDIT_LEDGER_URL is not set. */
  readonly auditLedger?: AuditLedger;
  readonly recorder: SubjectAccessRecorder;
  readonly clock?: Clock;
  readonly newId?: () => string;
}

export interface PreparedSubjectAccess {
  readonly packageId: string;
  readonly staff: StaffContext;
  readonly patient: DirectoryPatient;
  readonly requestedAt: Date;
  readonly directoryAskedAt: Date;
}

export interface SubjectAccessResult {
  readonly summary: SubjectAccessSummary;
  readonly manifest: Manifest;
}

export interface Manifest {
  readonly format: 'cairn-subject-access/1';
  readonly packageId: string;
  readonly organisation: string;
  readonly assembledBy: { readonly staffId: string; readonly roles: readonly string[] };
  readonly requestedAt: string;
  readonly completedAt: string;
  readonly subject: { readonly nhsNumber: string };
  readonly counts: {
    readonly messages: number;
    readonly links: number;
    readonly responses: number;
    /** Every media file in the package, the deleted ones included. */
    readonly mediaObjects: number;
    /** Of those, files staff deleted or the patient removed before sending (logical deletion). */
    readonly deletedMediaObjects: number;
    readonly auditEntries: number;
  };
  readonly sources: readonly SourceRecord[];
  /** Every file of the package except this manifest, with its SHA-256 and size. */
  readonly files: readonly WrittenFile[];
  /** "<service>: <reason>" for each question that failed: the package lacks that part. */
  readonly failed: readonly string[];
  /** "<part>: <reason>" for parts deliberately not in the package. */
  readonly notIncluded: readonly string[];
  readonly notes: readonly string[];
}

const NOTES = [
  'Each service was asked with the access token of the member of staff named in assembledBy; ' +
    'each checked their role and organisation and recorded its own access.',
  'Security data is not included: the hashes of link tokens and the keyed digest of the date ' +
    'of birth used to check the patient. Neither reveals anything about the patient.',
  'Media files are the bytes the vault stores (photos re-encoded without metadata on intake); ' +
    'media-vault/objects.json gives the SHA-256 of what the patient sent as well.',
  'Media files deleted by staff or removed by the patient before sending (logical deletion, ' +
    'kept until physical deletion) are included under media-vault/<group>/deleted/ and marked ' +
    'in media-vault/objects.json with when and by whom (patient or staff); the free-text reason ' +
    'for a deletion is not included. Physically erased data no longer exists and cannot be ' +
    "included: media-vault/objects.json lists the object ids the gateway's records name that the " +
    'vault did not return.',
  `Messaging: the patient's whole message history at this organisation, newest first, read ` +
    `page by page (${MAX_HISTORY_PAGE_SIZE} a page) up to ${MAX_MESSAGES} messages; ` +
    'notIncluded says so if that bound was reached.',
  'Audit trail (only when the member of staff is also an auditor): every ledger entry about ' +
    `the patient, oldest first, up to ${MAX_AUDIT_ENTRIES} entries (notIncluded names the last ` +
    'entry included if that bound was reached), each with its metadata and leaf hash but not ' +
    "the event's payload: the ledger's search does not return payloads (an auditor can read " +
    "each entry's payload in the auditor console).",
];

const json = (value: unknown) => Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8');

/** A path segment safe in every unzip tool: no separators, colons or dot-only names. */
export function safeSegment(raw: string, fallback: string): string {
  const cleaned = raw
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N} ._()-]/gu, '_')
    .replace(/^[.\s]+/, '')
    .slice(0, 100)
    .trim();
  return cleaned || fallback;
}

/** An error as the manifest names it: a status code, never a message that might carry data. */
export function reasonOf(error: unknown): string {
  if (error instanceof ConnectError) return Code[error.code] ?? 'Unknown';
  if (error instanceof DomainError) return String(error.code);
  return 'Error';
}

function isNotFound(error: unknown): boolean {
  return (
    (error instanceof ConnectError && error.code === Code.NotFound) ||
    (error instanceof DomainError && error.kind === ErrorKind.NotFound)
  );
}

/** The vault group of a link's files: the request id, or "document:<id>" for documents. */
export function mediaGroupOf(link: Pick<PatientLink, 'kind' | 'requestId'>): string {
  return link.kind === 'document' ? documentGroup(link.requestId) : link.requestId;
}

function linkRecord(link: PatientLink) {
  // Everything the gateway holds about the link except its security data (the token hash is the
  // document id; the date-of-birth digest is never read out of the database).
  return {
    requestId: link.requestId,
    kind: link.kind,
    organisation: link.odsCode,
    organisationName: link.organisationName,
    issuedBy: link.issuedBy,
    patientName: link.patientName,
    message: link.message,
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
    dateOfBirthAttempts: link.dobAttempts,
    lockedAt: link.lockedAt ?? null,
    verifiedAt: link.verifiedAt ?? null,
    consentedAt: link.consentedAt ?? null,
    draftText: link.draftText,
    draftPhotos: link.draftPhotos,
    response: link.response ?? null,
    readAt: link.readAt ?? null,
    savedToRecord: link.savedToRecord ?? null,
    deleted: link.deleted ?? null,
    documentMediaId: link.documentMediaId ?? null,
    documentFilename: link.documentFilename ?? null,
    mediaGroup: mediaGroupOf(link),
  };
}

function mediaIdsNamedBy(link: PatientLink): string[] {
  return [
    ...link.draftPhotos.map((p) => p.mediaId),
    ...(link.response?.photos ?? []).map((p) => p.mediaId),
    ...(link.documentMediaId ? [link.documentMediaId] : []),
  ];
}

function ledgerRecord(entry: LedgerEntry) {
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  return {
    index: entry.index,
    kind: entry.kind,
    eventId: entry.eventId,
    eventType: entry.eventType,
    source: entry.source,
    eventTime: entry.eventTime,
    organisation: entry.organisation,
    actor: entry.actor,
    patientPseudonym: entry.patientPseudonym,
    integratedAt: entry.integratedAt,
    leafHash: hex(entry.leafHash),
    payloadErased: entry.payloadErased,
  };
}

export class AssembleSubjectAccessUseCase {
  private readonly clock: Clock;
  private readonly newId: () => string;

  constructor(private readonly sources: SubjectAccessSources) {
    this.clock = sources.clock ?? new Clock();
    this.newId = sources.newId ?? randomUUID;
  }

  /** Whether retention and the audit ledger are there to ask (for the page). */
  get configured(): { retention: boolean; auditLedger: boolean } {
    return {
      retention: Boolean(this.sources.retention),
      auditLedger: Boolean(this.sources.auditLedger),
    };
  }

  requireRole(staff: StaffContext): void {
    if (!maySubjectAccess(staff)) {
      throw new SubjectAccessError(
        SubjectAccessErrorCode.RoleRequired,
        'Only the Caldicott Guardian or Privacy Officer of the organisation can make a subject access package.',
      );
    }
  }

  /** Role, NHS number and the patient's directory entry: everything that can still be refused. */
  async prepare(staff: StaffContext, rawNhsNumber: string): Promise<PreparedSubjectAccess> {
    this.requireRole(staff);
    const parsed = parseNhsNumber(rawNhsNumber);
    if (!parsed.ok) {
      throw new SubjectAccessError(
        SubjectAccessErrorCode.InvalidNhsNumber,
        parsed.problem === 'empty'
          ? "Enter the patient's NHS number"
          : describeNhsNumberProblem(parsed.problem),
      );
    }
    const requestedAt = this.clock.now();
    let patient: DirectoryPatient;
    try {
      patient = await this.sources.directory.find(
        staff.accessToken,
        staff.odsCode,
        parsed.nhsNumber,
      );
    } catch (error) {
      if (isNotFound(error)) {
        throw new SubjectAccessError(
          SubjectAccessErrorCode.PatientNotFound,
          'No patient with this NHS number is registered at your organisation.',
        );
      }
      throw error;
    }
    return {
      packageId: this.newId(),
      staff,
      patient: { ...patient, nhsNumber: parsed.nhsNumber },
      requestedAt,
      directoryAskedAt: requestedAt,
    };
  }

  /**
   * Writes the package. Questions that fail are recorded and the rest goes on; a failure of the
   * package itself (the destination went away, a source broke off mid-file) ends it, still
   * recorded (incomplete), and is thrown.
   */
  async assemble(
    prepared: PreparedSubjectAccess,
    writer: PackageWriter,
  ): Promise<SubjectAccessResult> {
    const { staff, patient } = prepared;
    const nhsNumber = patient.nhsNumber;
    const token = staff.accessToken;
    const files: WrittenFile[] = [];
    const sourceRecords: SourceRecord[] = [];
    const notIncluded: string[] = [];
    const counts = {
      messages: 0,
      links: 0,
      responses: 0,
      mediaObjects: 0,
      deletedMediaObjects: 0,
      auditEntries: 0,
    };
    let manifestSha256 = '';
    const at = () => this.clock.now().toISOString();
    const add = async (path: string, bytes: Uint8Array | AsyncIterable<Uint8Array>) => {
      const written = await writer.addFile(path, bytes);
      files.push(written);
      return written;
    };
    const source = (record: Omit<SourceRecord, 'files'> & { files?: string[] }) => {
      const full = { ...record, files: record.files ?? [] };
      sourceRecords.push(full);
      return full;
    };

    let manifest: Manifest | undefined;
    try {
      // identity: the directory entry found by prepare().
      await add('identity/patient.json', json({ patient }));
      source({
        service: 'identity',
        call: 'PatientDirectory.FindPatient',
        askedAt: prepared.directoryAskedAt.toISOString(),
        status: 'included',
        count: 1,
        files: ['identity/patient.json'],
      });

      // messaging: the patient's whole message history, page by page.
      await this.addMessages(token, nhsNumber, add, source, counts, at, notIncluded);

      // gateway: links issued, responses and their texts (its own database).
      let links: PatientLink[] | null = null;
      {
        const askedAt = at();
        try {
          links = await this.sources.links.listForPatient(staff.odsCode, nhsNumber, MAX_LINKS);
        } catch (error) {
          source({
            service: 'gateway',
            call: 'patient_links (own database)',
            askedAt,
            status: 'failed',
            count: 0,
            reason: reasonOf(error),
          });
        }
        if (links) {
          counts.links = links.length;
          counts.responses = links.filter((l) => l.response).length;
          await add('gateway/responses.json', json({ links: links.map(linkRecord) }));
          source({
            service: 'gateway',
            call: 'patient_links (own database)',
            askedAt,
            status: 'included',
            count: links.length,
            files: ['gateway/responses.json'],
          });
        }
      }

      // media-vault: the files of every group the gateway's links name.
      await this.addMedia(links, staff, add, source, counts, at, notIncluded);

      // retention: its canonical JSON, and what it says it did not assemble.
      {
        const askedAt = at();
        const call = 'RetentionService.GetSubjectAccess';
        if (!this.sources.retention) {
          source({
            service: 'retention',
            call,
            askedAt,
            status: 'not-configured',
            count: 0,
            reason: 'RETENTION_URL is not set',
          });
        } else {
          let part: Awaited<ReturnType<Retention['subjectAccess']>> | null = null;
          try {
            part = await this.sources.retention.subjectAccess(token, nhsNumber);
          } catch (error) {
            source({
              service: 'retention',
              call,
              askedAt,
              status: 'failed',
              count: 0,
              reason: reasonOf(error),
            });
          }
          if (part) {
            await add('retention/retention.json', part.retentionJson);
            for (const item of part.notIncluded) notIncluded.push(`retention: ${item}`);
            source({
              service: 'retention',
              call,
              askedAt,
              status: 'included',
              count: 1,
              files: ['retention/retention.json'],
            });
          }
        }
      }

      // audit-ledger: the trail about the patient, only for a caller who is also an auditor.
      await this.addAuditTrail(staff, nhsNumber, add, source, counts, at, notIncluded);

      const failed = sourceRecords
        .filter((s) => s.status === 'failed')
        .map((s) => `${s.service}: ${s.call}: ${s.reason ?? 'Error'}`);
      for (const s of sourceRecords) {
        if (s.status === 'not-configured') notIncluded.push(`${s.service}: not configured`);
        if (s.status === 'not-included') notIncluded.push(`${s.service}: ${s.reason ?? ''}`);
      }
      manifest = {
        format: 'cairn-subject-access/1',
        packageId: prepared.packageId,
        organisation: staff.odsCode,
        assembledBy: { staffId: staff.staffId, roles: [...staff.roles] },
        requestedAt: prepared.requestedAt.toISOString(),
        completedAt: at(),
        subject: { nhsNumber },
        counts: { ...counts },
        sources: sourceRecords,
        files: [...files],
        failed,
        notIncluded: [...notIncluded],
        notes: NOTES,
      };
      const written = await writer.addFile('manifest.json', json(manifest));
      manifestSha256 = written.sha256;
    } catch (error) {
      writer.abort();
      await this.record(prepared, files, manifestSha256, counts, sourceRecords, notIncluded, true);
      throw error;
    }
    // On the record before the ZIP's central directory is sent: should recording fail, the
    // package is cut off unreadable rather than delivered without a trace.
    let summary: SubjectAccessSummary;
    try {
      summary = await this.record(
        prepared,
        files,
        manifestSha256,
        counts,
        sourceRecords,
        notIncluded,
        false,
      );
    } catch (error) {
      writer.abort();
      throw error;
    }
    await writer.finish();
    return { summary, manifest };
  }

  /**
   * Follows ListPatientMessages' pages to the end (newest first), up to MAX_MESSAGES messages or
   * MAX_MESSAGE_PAGES pages; a bound reached is named in notIncluded. A page that fails after
   * others keeps what came before (complete: false) and names the failure.
   */
  private async addMessages(
    token: string,
    nhsNumber: string,
    add: (path: string, bytes: Uint8Array | AsyncIterable<Uint8Array>) => Promise<WrittenFile>,
    source: (record: Omit<SourceRecord, 'files'> & { files?: string[] }) => SourceRecord,
    counts: { messages: number },
    at: () => string,
    notIncluded: string[],
  ): Promise<void> {
    const askedAt = at();
    const call = 'MessagingService.ListPatientMessages';
    const messages: SentMessage[] = [];
    const seen = new Set<string>();
    let pages = 0;
    let pageToken = '';
    let truncated = false;
    let failure: string | null = null;
    try {
      do {
        const page = await this.sources.messaging.historyPage(
          token,
          nhsNumber,
          MAX_HISTORY_PAGE_SIZE,
          pageToken,
        );
        pages += 1;
        for (const message of page.messages) {
          // Pages are cut by time: never the same message twice should two pages overlap.
          if (seen.has(message.id)) continue;
          if (messages.length === MAX_MESSAGES) {
            truncated = true;
            break;
          }
          seen.add(message.id);
          messages.push(message);
        }
        if (page.nextPageToken && page.nextPageToken === pageToken) {
          failure = 'the page token did not advance';
          break;
        }
        pageToken = page.nextPageToken;
        if (pageToken && (messages.length >= MAX_MESSAGES || pages >= MAX_MESSAGE_PAGES)) {
          truncated = true;
        }
      } while (pageToken && !truncated);
    } catch (error) {
      failure = reasonOf(error);
    }
    if (failure !== null && pages === 0) {
      source({ service: 'messaging', call, askedAt, status: 'failed', count: 0, reason: failure });
      return;
    }
    if (truncated) {
      const last = messages[messages.length - 1];
      const oldest = last?.createdAt?.toISOString() ?? 'an unknown time';
      notIncluded.push(
        `messaging: messages older than the newest ${messages.length} (the package's bound of ` +
          `${MAX_MESSAGES} messages or ${MAX_MESSAGE_PAGES} pages was reached; the oldest ` +
          `message included was created at ${oldest})`,
      );
    }
    counts.messages = messages.length;
    const complete = failure === null && !truncated;
    await add('messaging/messages.json', json({ messages, complete, pages }));
    source({
      service: 'messaging',
      call,
      askedAt,
      status: failure === null ? 'included' : 'failed',
      count: messages.length,
      files: ['messaging/messages.json'],
      ...(failure === null
        ? {}
        : {
            reason: `${failure} (after ${pages} page${pages === 1 ? '' : 's'}; the messages read so far are included)`,
          }),
    });
  }

  private async addMedia(
    links: PatientLink[] | null,
    staff: StaffContext,
    add: (path: string, bytes: Uint8Array | AsyncIterable<Uint8Array>) => Promise<WrittenFile>,
    source: (record: Omit<SourceRecord, 'files'> & { files?: string[] }) => SourceRecord,
    counts: { mediaObjects: number; deletedMediaObjects: number },
    at: () => string,
    notIncluded: string[],
  ): Promise<void> {
    const listCall = 'MediaVaultService.ListObjects (purpose SUBJECT_ACCESS)';
    const readCall = 'MediaVaultService.ReadObject (purpose SUBJECT_ACCESS)';
    if (!links) {
      source({
        service: 'media-vault',
        call: listCall,
        askedAt: at(),
        status: 'failed',
        count: 0,
        reason: 'the gateway records naming the groups could not be read',
      });
      return;
    }
    const groups = [...new Set(links.map(mediaGroupOf))];
    const named = new Set(links.flatMap(mediaIdsNamedBy));
    const objects: Array<
      Omit<StoredObjectInfo, 'createdAt'> & {
        createdAt: Date | null;
        path: string | null;
        sha256Verified: boolean;
      }
    > = [];
    const groupFailures: { group: string; reason: string }[] = [];
    const readFailures: { objectId: string; reason: string }[] = [];
    const listedAt = at();
    const mediaFiles: string[] = [];
    let deletedNotListed = false;
    for (const group of groups) {
      let listed: StoredObjectInfo[];
      try {
        const listing = await this.sources.vault.listForSubjectAccess(staff.accessToken, group);
        listed = listing.objects;
        if (!listing.includesDeleted) deletedNotListed = true;
      } catch (error) {
        groupFailures.push({ group, reason: reasonOf(error) });
        continue;
      }
      for (const info of listed) {
        let stream;
        try {
          stream = await this.sources.vault.readForSubjectAccess(staff.accessToken, info.objectId);
        } catch (error) {
          readFailures.push({ objectId: info.objectId, reason: reasonOf(error) });
          objects.push({ ...info, path: null, sha256Verified: false });
          continue;
        }
        // Deleted files apart, so that nobody takes them for what staff still see.
        const folder = `media-vault/${safeSegment(group, 'group')}${info.deleted ? '/deleted' : ''}`;
        const path = `${folder}/${safeSegment(info.objectId, 'object')}-${safeSegment(info.filename, 'file')}`;
        const written = await add(path, stream.chunks);
        mediaFiles.push(path);
        counts.mediaObjects += 1;
        if (info.deleted) counts.deletedMediaObjects += 1;
        objects.push({
          ...info,
          path,
          sha256Verified: info.storedSha256 === '' || written.sha256 === info.storedSha256,
        });
      }
    }
    const held = new Set(objects.map((o) => o.objectId));
    const notReturned = [...named].filter((id) => !held.has(id));
    await add(
      'media-vault/objects.json',
      json({ groups, objects, notReturnedByVault: notReturned, groupFailures, readFailures }),
    );
    if (deletedNotListed) {
      notIncluded.push(
        'media-vault: files deleted by staff or removed by the patient ' +
          '(this media vault does not list them)',
      );
    }
    const failures = groupFailures.length + readFailures.length;
    source({
      service: 'media-vault',
      call: `${listCall}; ${readCall}`,
      askedAt: listedAt,
      status: failures === 0 ? 'included' : 'failed',
      count: counts.mediaObjects,
      files: [...mediaFiles, 'media-vault/objects.json'],
      ...(failures === 0
        ? {}
        : {
            reason: [
              ...groupFailures.map((f) => `list ${f.group}: ${f.reason}`),
              ...readFailures.map((f) => `read ${f.objectId}: ${f.reason}`),
            ].join('; '),
          }),
    });
  }

  private async addAuditTrail(
    staff: StaffContext,
    nhsNumber: string,
    add: (path: string, bytes: Uint8Array | AsyncIterable<Uint8Array>) => Promise<WrittenFile>,
    source: (record: Omit<SourceRecord, 'files'> & { files?: string[] }) => SourceRecord,
    counts: { auditEntries: number },
    at: () => string,
    notIncluded: string[],
  ): Promise<void> {
    const call = 'AuditLedgerService.QueryEntries';
    const askedAt = at();
    if (!this.sources.auditLedger) {
      source({
        service: 'audit-ledger',
        call,
        askedAt,
        status: 'not-configured',
        count: 0,
        reason: 'AUDIT_LEDGER_URL is not set',
      });
      return;
    }
    if (!isAuditor(staff)) {
      source({
        service: 'audit-ledger',
        call,
        askedAt,
        status: 'not-included',
        count: 0,
        reason: 'the caller does not hold the auditor role',
      });
      return;
    }
    const entries: ReturnType<typeof ledgerRecord>[] = [];
    let truncated = false;
    try {
      let pageToken = '';
      do {
        const page = await this.sources.auditLedger.query(
          staff.accessToken,
          {
            organisation: staff.odsCode,
            nhsNumber,
            actorId: '',
            eventType: '',
            from: null,
            to: null,
          },
          pageToken,
          AUDIT_PAGE_SIZE,
        );
        const room = MAX_AUDIT_ENTRIES - entries.length;
        entries.push(...page.entries.slice(0, room).map(ledgerRecord));
        pageToken = page.nextPageToken;
        // The ledger gives a next page token only when more entries follow.
        if (page.entries.length > room || (entries.length >= MAX_AUDIT_ENTRIES && pageToken)) {
          truncated = true;
          break;
        }
      } while (pageToken);
    } catch (error) {
      source({
        service: 'audit-ledger',
        call,
        askedAt,
        status: 'failed',
        count: 0,
        reason: reasonOf(error),
      });
      return;
    }
    const last = entries[entries.length - 1];
    if (truncated) {
      const integratedAt = last?.integratedAt?.toISOString() ?? 'an unknown time';
      notIncluded.push(
        `audit-ledger: entries after the first ${entries.length} (the package's bound of ` +
          `${MAX_AUDIT_ENTRIES} was reached; the last entry included is leaf index ` +
          `${last?.index ?? '?'}, integrated at ${integratedAt}: an auditor can search the ` +
          'ledger for the patient from there)',
      );
    }
    counts.auditEntries = entries.length;
    await add(
      'audit-ledger/entries.json',
      json({
        entries,
        truncated,
        bound: MAX_AUDIT_ENTRIES,
        lastIncludedIndex: truncated ? (last?.index ?? null) : null,
      }),
    );
    source({
      service: 'audit-ledger',
      call,
      askedAt,
      status: 'included',
      count: entries.length,
      files: ['audit-ledger/entries.json'],
    });
  }

  private async record(
    prepared: PreparedSubjectAccess,
    files: readonly WrittenFile[],
    manifestSha256: string,
    counts: { messages: number; links: number; mediaObjects: number; auditEntries: number },
    sourceRecords: readonly SourceRecord[],
    notIncluded: readonly string[],
    incomplete: boolean,
  ): Promise<SubjectAccessSummary> {
    const summary: SubjectAccessSummary = {
      packageId: prepared.packageId,
      staff: prepared.staff,
      nhsNumber: prepared.patient.nhsNumber,
      assembledAt: this.clock.now(),
      manifestSha256,
      fileCount: files.length,
      totalBytes: files.reduce((sum, f) => sum + f.bytes, 0),
      messageCount: counts.messages,
      linkCount: counts.links,
      mediaObjectCount: counts.mediaObjects,
      auditEntryCount: counts.auditEntries,
      failed: sourceRecords
        .filter((s) => s.status === 'failed')
        .map((s) => `${s.service}: ${s.reason ?? 'Error'}`),
      notIncluded: [...new Set(notIncluded)],
      incomplete,
    };
    await this.sources.recorder.recordAssembled(summary);
    return summary;
  }
}
