// Turns a batch of Kafka records into durable leaves: each event's payload is sealed under its
// subject's data key and committed to by a salted digest; a record that is not a readable event
// becomes a "malformed" leaf over hashes of its raw bytes (and is returned for the DLQ). Safe to
// run again on the same records after any failure: payloads are first-write-wins and the tree
// appends each eventId once.
import { createHash, randomBytes } from 'node:crypto';
import type { RawRecord } from '../../events/cloudevent-record.adapter';
import { decodeRecord } from '../../events/cloudevent-record.adapter';
import { canonicalJsonBytes } from '@cairn/platform';
import { eventLeaf, malformedLeaf, type NewLeaf } from '../../domain/leaf';
import { KeyWrapper, newDataKey, newSalt, saltedDigest, seal } from '../../domain/payload-crypto';
import type { Pseudonymiser } from '../../domain/pseudonym';
import type { PayloadRepository, SealedPayload } from '../../repositories/payload.repository';
import type { SubjectKeyRepository } from '../../repositories/subject-key.repository';
import type { AppendOutcome, TreeRepository } from '../../repositories/tree.repository';

export interface MalformedRecord {
  readonly record: RawRecord;
  readonly reason: string;
  readonly leafEventId: string;
}

export interface IngestOutcome extends AppendOutcome {
  readonly malformed: readonly MalformedRecord[];
}

/**
 * Whose key seals a payload: the patient's as held by one organisation (an erasure is ordered by
 * one controller and must not shred what another organisation holds about the same patient),
 * else the organisation's, else the platform's. See subjectsOfOrganisation for the prefixes.
 */
export function subjectOf(patientPseudonym: string, organisation: string): string {
  if (patientPseudonym && organisation) return `patient:${organisation}:${patientPseudonym}`;
  if (patientPseudonym) return `patient:${patientPseudonym}`;
  if (organisation) return `org:${organisation}`;
  return 'platform';
}

/** The subjects of one organisation: its own (exact id) and its patients' (id prefix). */
export function subjectsOfOrganisation(organisation: string): {
  own: string;
  patientPrefix: string;
} {
  return { own: `org:${organisation}`, patientPrefix: `patient:${organisation}:` };
}

type SubjectCrypto = { dataKey: Buffer; salt: Uint8Array } | 'erased';

export class IngestRecordsUseCase {
  constructor(
    private readonly tree: TreeRepository,
    private readonly keys: SubjectKeyRepository,
    private readonly payloads: PayloadRepository,
    private readonly pseudonymiser: Pseudonymiser,
    private readonly keyWrapper: KeyWrapper,
  ) {}

  async execute(records: readonly RawRecord[]): Promise<IngestOutcome> {
    const leaves: NewLeaf[] = [];
    const sealed: SealedPayload[] = [];
    const malformed: MalformedRecord[] = [];
    const subjects = new Map<string, SubjectCrypto>();

    // Read (or create) every subject's key once per batch, concurrently.
    const decoded = records.map((record) => {
      const result = decodeRecord(record);
      let reason = result.ok ? undefined : result.reason;
      let pseudonym = '';
      if (result.ok && result.event.patientNhsNumber !== undefined) {
        pseudonym = this.pseudonymiser.pseudonym(result.event.patientNhsNumber) ?? '';
        if (!pseudonym) reason = 'invalid_cairn_patient';
      }
      return { record, result, reason, pseudonym };
    });
    const wanted = new Set<string>();
    for (const d of decoded) {
      if (d.result.ok && !d.reason) wanted.add(subjectOf(d.pseudonym, d.result.event.organisation));
    }
    await Promise.all(
      [...wanted].map(async (subject) => subjects.set(subject, await this.subjectCrypto(subject))),
    );

    for (const { record, result, reason, pseudonym } of decoded) {
      if (!result.ok || reason) {
        const why = reason ?? 'unreadable';
        const leaf = malformedLeaf({
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          reason: why,
          valueSha256: sha256(record.value ?? new Uint8Array(0)),
          headersSha256: sha256(canonicalJsonBytes(headersForHash(record), { integersOnly: true })),
        });
        leaves.push(leaf);
        malformed.push({ record, reason: why, leafEventId: leaf.eventId });
        continue;
      }
      const event = result.event;
      const subject = subjectOf(pseudonym, event.organisation);
      const crypto = subjects.get(subject) ?? 'erased';
      let digest: Uint8Array;
      if (crypto === 'erased') {
        // The subject was erased: nothing is kept, and the digest's salt is thrown away at once.
        digest = saltedDigest(randomBytes(32), event.payload);
      } else {
        digest = saltedDigest(crypto.salt, event.payload);
        sealed.push({
          eventId: event.id,
          subject,
          sealed: seal(crypto.dataKey, event.payload, event.id),
        });
      }
      leaves.push(
        eventLeaf({
          eventId: event.id,
          eventType: event.type,
          source: event.source,
          time: event.time,
          organisation: event.organisation,
          actor: event.actor,
          patientPseudonym: pseudonym,
          topic: record.topic,
          payloadDigest: digest,
        }),
      );
    }

    // Payloads first: a leaf is never committed without its payload stored.
    await this.payloads.putMany(sealed);
    const outcome = await this.tree.append(leaves);
    return { ...outcome, malformed };
  }

  private async subjectCrypto(subject: string): Promise<SubjectCrypto> {
    const found = await this.keys.findOrCreate(subject, () => ({
      wrappedKey: this.keyWrapper.wrap(newDataKey(), subject),
      salt: newSalt(),
    }));
    if (found.state === 'erased') return 'erased';
    return {
      dataKey: this.keyWrapper.unwrap(found.material.wrappedKey, subject),
      salt: found.material.salt,
    };
  }
}

function sha256(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest();
}

/** Every header and the key as base64, in a canonical form, so their hash is reproducible. */
function headersForHash(record: RawRecord) {
  const headers: Record<string, string | string[]> = {};
  const b64 = (v: Buffer | string) => Buffer.from(v).toString('base64');
  for (const [name, value] of Object.entries(record.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map(b64) : b64(value);
  }
  return { key: record.key ? b64(record.key) : null, headers };
}
