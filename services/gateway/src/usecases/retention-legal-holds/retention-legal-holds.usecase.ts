// Legal holds for the retention pages: the organisation's holds (active and cleared), placing a
// hold on one patient or the whole organisation with a reason (idempotent on the form's hidden
// request id), and clearing one with a reason. Retention refuses raising, co-signing and
// disposal while a hold covers the records.
import type { StaffContext } from '../../domain/staff-context';
import type { LegalHold, Retention } from '../../ports/retention.port';
import {
  isRequestId,
  nhsNumberOf,
  reasonOf,
  type FieldError,
} from '../retention-shared/retention-forms';
import {
  requireRaiser,
  requireRetentionStaff,
  type RetentionAbilities,
} from '../retention-shared/retention-roles';

export interface PlaceHoldForm {
  readonly requestId?: string;
  /** "patient" or "organisation". */
  readonly scope?: string;
  readonly nhsNumber?: string;
  readonly reason?: string;
}

export interface LegalHoldLists {
  readonly active: readonly LegalHold[];
  readonly cleared: readonly LegalHold[];
  readonly abilities: RetentionAbilities;
}

export type HoldOutcome =
  | { readonly ok: true; readonly hold: LegalHold }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

export class RetentionLegalHoldsUseCase {
  constructor(private readonly retention: Retention) {}

  async list(staff: StaffContext): Promise<LegalHoldLists> {
    const abilities = requireRetentionStaff(staff);
    const holds = await this.retention.listLegalHolds(staff.accessToken, true);
    return {
      active: holds.filter((h) => !h.clearedBy),
      cleared: holds.filter((h) => h.clearedBy),
      abilities,
    };
  }

  async place(staff: StaffContext, form: PlaceHoldForm): Promise<HoldOutcome> {
    requireRaiser(staff);
    const errors: FieldError[] = [];
    const requestId = String(form.requestId ?? '');
    if (!isRequestId(requestId)) {
      errors.push({ field: 'holdScope', text: 'The form has expired. Try again.' });
    }
    let nhsNumber = '';
    if (form.scope === 'patient') {
      const checked = nhsNumberOf(String(form.nhsNumber ?? ''), 'holdNhsNumber');
      if ('error' in checked) errors.push(checked.error);
      else nhsNumber = checked.nhsNumber;
    } else if (form.scope !== 'organisation') {
      errors.push({ field: 'holdScope', text: 'Select what the hold covers' });
    }
    const reason = reasonOf(
      String(form.reason ?? ''),
      'holdReason',
      'Enter the reason for the hold, for example the litigation reference',
    );
    if ('error' in reason) errors.push(reason.error);
    if (errors.length > 0 || 'error' in reason) return { ok: false, errors };
    const hold = await this.retention.placeLegalHold(staff.accessToken, {
      requestId: requestId.toLowerCase(),
      scope: form.scope === 'patient' ? { kind: 'patient', nhsNumber } : { kind: 'organisation' },
      reason: reason.text,
    });
    return { ok: true, hold };
  }

  async clear(staff: StaffContext, holdId: string, reason: string): Promise<HoldOutcome> {
    requireRaiser(staff);
    const checked = reasonOf(reason, `clearReason-${holdId}`, 'Enter why the hold can be cleared');
    if ('error' in checked) return { ok: false, errors: [checked.error] };
    return {
      ok: true,
      hold: await this.retention.clearLegalHold(staff.accessToken, holdId, checked.text),
    };
  }
}
