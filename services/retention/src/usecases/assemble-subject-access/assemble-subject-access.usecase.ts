// Subject access, retention's part: everything retention holds about one patient of the
// organisation (lifecycle, legal holds covering them, erasure requests naming them) as canonical
// JSON. Other services' parts (messages, responses, files, ledger entries) are not assembled
// here: the caller is told which to ask. Every call is audited (SubjectAccessAssembled).
import { randomUUID } from 'node:crypto';
import { isValidNhsNumber } from '@cairn/nhs';
import type { Clock } from '../../domain/clock';
import { canonicalJsonBytes, type JsonValue } from '@cairn/platform';
import { holdCovers } from '../../domain/erasure';
import { RetentionError, RetentionErrorCode } from '../../domain/retention-error';
import { organisationOf, RAISER_ROLES, roleFor, type Staff } from '../../domain/staff-signer';
import type { RetentionEvents } from '../../events/retention-events';
import type { AccessRecordRepository } from '../../repositories/access-record.repository';
import type { ErasureRepository } from '../../repositories/erasure.repository';
import type { LegalHoldRepository } from '../../repositories/legal-hold.repository';
import type { PatientRepository } from '../../repositories/patient.repository';

export const NOT_INCLUDED = ['messaging', 'gateway', 'media-vault', 'audit-ledger', 'identity'];

export class AssembleSubjectAccessUseCase {
  constructor(
    private readonly patients: PatientRepository,
    private readonly holds: LegalHoldRepository,
    private readonly erasures: ErasureRepository,
    private readonly accessRecords: AccessRecordRepository,
    private readonly events: RetentionEvents,
    private readonly clock: Clock,
  ) {}

  async execute(staff: Staff, nhsNumber: string): Promise<{ json: Buffer; notIncluded: string[] }> {
    roleFor(staff, RAISER_ROLES);
    if (!isValidNhsNumber(nhsNumber)) {
      throw new RetentionError(
        RetentionErrorCode.InvalidRequest,
        'That is not a valid NHS number.',
      );
    }
    const organisation = organisationOf(staff);
    const accessId = randomUUID();
    // Recorded before anything is read, so a failure part-way still leaves the access on record.
    await this.accessRecords.record(accessId, organisation, staff.staffId, this.clock.now(), [
      this.events.subjectAccessAssembled(accessId, organisation, nhsNumber, staff.staffId),
    ]);
    const patient = await this.patients.get(organisation, nhsNumber);
    const holds = (await this.holds.list(organisation, true)).filter(
      (h) => h.scope.kind === 'patient' && holdCovers(h.scope, { kind: 'patient', nhsNumber }),
    );
    const erasures = await this.erasures.forPatient(organisation, nhsNumber);
    const body: JsonValue = {
      organisation,
      nhsNumber,
      lifecycle: patient
        ? {
            dateOfDeath: patient.dateOfDeath,
            notification: patient.notification,
            countedFrom: patient.countedFrom.toISOString(),
            dueAt: patient.dueAt ? patient.dueAt.toISOString() : null,
            disposalConfirmed: patient.confirmedBy !== undefined,
          }
        : null,
      legalHolds: holds.map((h) => ({
        holdId: h.holdId,
        reason: h.reason,
        active: h.active,
        placedAt: h.placedBy.signedAt.toISOString(),
      })),
      erasures: erasures.map((e) => ({
        erasureId: e.erasureId,
        grounds: e.grounds,
        status: e.status,
        raisedAt: e.raisedBy.signedAt.toISOString(),
        completedAt: e.completedAt ? e.completedAt.toISOString() : null,
      })),
    };
    return { json: Buffer.from(canonicalJsonBytes(body)), notIncluded: [...NOT_INCLUDED] };
  }
}
