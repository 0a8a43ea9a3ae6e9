// The directory's events as outbox entries: PatientLookedUp (an access event), DeathRecorded and
// RecordDocumentFiled (save to record).
// The patient travels in the `cairn_patient` header, from which the audit ledger takes the NHS
// number and keeps only its pseudonym; the subject is the directory's opaque record id.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  DeathRecordedSchema,
  PatientLookedUp_Method,
  PatientLookedUp_Outcome,
  PatientLookedUpSchema,
  RecordDocumentFiledSchema,
} from '@cairn/contracts/cairn/identity/events/v1/directory_events_pb';
import { Patient_Death_Notification } from '@cairn/contracts/cairn/identity/v1/directory_pb';
import { EventHeader, type ActorRef, type Outbox, type OutboxEntry } from '@cairn/events';
import type { NhsNumber, OdsCode } from '@cairn/nhs';
import type { Death } from '../domain/patient';

/**
 * The ledger's header for the patient an event concerns (services/audit-ledger
 * cloudevent-record.adapter). @cairn/events has no option for it yet; when it gains one, use it.
 */
export const PATIENT_HEADER = EventHeader.patient;

export type LookUpMethod = 'nhs-number' | 'search';
export type LookUpOutcome = 'found' | 'not-found';

export interface LookUpContext {
  readonly odsCode: OdsCode;
  /** The member of staff looking; empty when a service looks (see `service`). */
  readonly staffId: string;
  /** A service looking without staff (@cairn/auth service credential), e.g. "messaging". */
  readonly service?: string;
  readonly method: LookUpMethod;
  /** Shared by the events of one call. */
  readonly lookupId: string;
}

const METHODS: Record<LookUpMethod, PatientLookedUp_Method> = {
  'nhs-number': PatientLookedUp_Method.NHS_NUMBER,
  search: PatientLookedUp_Method.SEARCH,
};

const OUTCOMES: Record<LookUpOutcome, PatientLookedUp_Outcome> = {
  found: PatientLookedUp_Outcome.FOUND,
  'not-found': PatientLookedUp_Outcome.NOT_FOUND,
};

export const DEATH_NOTIFICATIONS: Record<Death['notification'], Patient_Death_Notification> = {
  formal: Patient_Death_Notification.FORMAL,
  informal: Patient_Death_Notification.INFORMAL,
  unspecified: Patient_Death_Notification.UNSPECIFIED,
};

/** Who looked: the member of staff, or the service acting without one. */
function lookUpActor(context: LookUpContext): ActorRef {
  return context.service
    ? { kind: 'system', id: context.service }
    : { kind: 'staff', id: context.staffId };
}

export class DirectoryEvents {
  constructor(private readonly outbox: Outbox) {}

  patientLookedUp(
    context: LookUpContext,
    subject: string,
    nhsNumber: NhsNumber,
    outcome: LookUpOutcome,
    time: Date,
  ): OutboxEntry {
    return this.outbox.event(
      PatientLookedUpSchema,
      {
        odsCode: context.odsCode,
        staffId: context.staffId,
        method: METHODS[context.method],
        outcome: OUTCOMES[outcome],
        lookupId: context.lookupId,
      },
      {
        subject,
        organisation: context.odsCode,
        actor: lookUpActor(context),
        patient: nhsNumber,
        time,
      },
    );
  }

  deathRecorded(
    context: LookUpContext,
    subject: string,
    nhsNumber: NhsNumber,
    death: Death,
    time: Date,
  ): OutboxEntry {
    return this.outbox.event(
      DeathRecordedSchema,
      {
        odsCode: context.odsCode,
        nhsNumber,
        dateTime: death.dateTime ?? '',
        notification: DEATH_NOTIFICATIONS[death.notification],
        observedAt: timestampFromDate(time),
      },
      {
        subject,
        organisation: context.odsCode,
        actor: lookUpActor(context),
        patient: nhsNumber,
        time,
      },
    );
  }

  recordDocumentFiled(
    filing: {
      readonly odsCode: OdsCode;
      readonly staffId: string;
      readonly patientId: string;
      readonly recordReference: string;
      readonly attachmentCount: number;
      readonly sourceReference: string;
    },
    nhsNumber: NhsNumber,
    time: Date,
  ): OutboxEntry {
    return this.outbox.event(
      RecordDocumentFiledSchema,
      {
        odsCode: filing.odsCode,
        staffId: filing.staffId,
        patientId: filing.patientId,
        recordReference: filing.recordReference,
        attachmentCount: filing.attachmentCount,
        sourceReference: filing.sourceReference,
      },
      {
        subject: filing.patientId,
        organisation: filing.odsCode,
        actor: { kind: 'staff', id: filing.staffId },
        patient: nhsNumber,
        time,
      },
    );
  }
}
