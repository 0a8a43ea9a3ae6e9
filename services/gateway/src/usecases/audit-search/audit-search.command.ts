// The auditor's search form, checked on arrival: an organisation auditor's organisation is
// always their own (whatever the form says); NHS number, ODS code and dates must be valid.
// Dates are whole days in UTC: "to" includes its whole day.
import { normaliseNhsNumber, normaliseOdsCode } from '@cairn/nhs';
import type { EntrySearch } from '../../ports/audit-ledger.port';
import type { AuditorScope } from '../audit-shared/auditor-scope';

export interface AuditSearchForm {
  readonly organisation?: string;
  readonly nhsNumber?: string;
  readonly actorId?: string;
  readonly eventType?: string;
  readonly from?: string;
  readonly to?: string;
}

export interface FieldError {
  readonly text: string;
  /** The id of the field, for the error summary's link. */
  readonly field: keyof AuditSearchForm;
}

export type ParsedAuditSearch =
  | { readonly ok: true; readonly search: EntrySearch; readonly values: Required<AuditSearchForm> }
  | {
      readonly ok: false;
      readonly errors: readonly FieldError[];
      readonly values: Required<AuditSearchForm>;
    };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ACTOR_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const EVENT_TYPE = /^[A-Za-z_][A-Za-z0-9_.]{0,199}$/;

function day(value: string): Date | undefined {
  const match = DAY.exec(value);
  if (!match) return undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value ? date : undefined;
}

export function parseAuditSearch(form: AuditSearchForm, scope: AuditorScope): ParsedAuditSearch {
  const text = (v: string | undefined) => String(v ?? '').trim();
  const values = {
    organisation:
      scope.kind === 'organisation' ? scope.organisation : text(form.organisation).toUpperCase(),
    nhsNumber: text(form.nhsNumber),
    actorId: text(form.actorId),
    eventType: text(form.eventType),
    from: text(form.from),
    to: text(form.to),
  };
  const errors: FieldError[] = [];
  if (values.organisation && !normaliseOdsCode(values.organisation)) {
    errors.push({ field: 'organisation', text: 'Enter an ODS code, like A81001' });
  }
  const nhsNumber = values.nhsNumber ? normaliseNhsNumber(values.nhsNumber) : '';
  if (nhsNumber === undefined) {
    errors.push({ field: 'nhsNumber', text: 'Enter a valid 10-digit NHS number' });
  }
  if (values.actorId && !ACTOR_ID.test(values.actorId)) {
    errors.push({ field: 'actorId', text: 'Enter a staff member id as identity shows it' });
  }
  if (values.eventType && !EVENT_TYPE.test(values.eventType)) {
    errors.push({
      field: 'eventType',
      text: 'Enter an event type like cairn.gateway.events.v1.PatientDataViewed',
    });
  }
  const from = values.from ? day(values.from) : null;
  if (from === undefined)
    errors.push({ field: 'from', text: 'Enter the start date as YYYY-MM-DD' });
  const toDay = values.to ? day(values.to) : null;
  if (toDay === undefined) errors.push({ field: 'to', text: 'Enter the end date as YYYY-MM-DD' });
  if (from && toDay && from.getTime() > toDay.getTime()) {
    errors.push({ field: 'to', text: 'The end date must be the same as or after the start date' });
  }
  if (errors.length) return { ok: false, errors, values };
  return {
    ok: true,
    values,
    search: {
      organisation: values.organisation,
      nhsNumber: nhsNumber ?? '',
      actorId: values.actorId,
      eventType: values.eventType,
      from: from ?? null,
      to: toDay ? new Date(toDay.getTime() + 86_400_000) : null,
    },
  };
}
