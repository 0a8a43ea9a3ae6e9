// The disposal review list (patients whose retention period has ended, and with "show all" also
// informal deaths and confirmed disposals) and the organisation's confirmation that a due
// patient's records may be disposed of. The NHS number travels in the form body, never an address.
import type { StaffContext } from '../../domain/staff-context';
import type { DisposalItem, DisposalReview, Retention } from '../../ports/retention.port';
import { nhsNumberOf, type FieldError } from '../retention-shared/retention-forms';
import {
  requireRaiser,
  requireRetentionStaff,
  type RetentionAbilities,
} from '../retention-shared/retention-roles';

export class RetentionDisposalReviewUseCase {
  constructor(private readonly retention: Retention) {}

  async list(
    staff: StaffContext,
    includeAll: boolean,
  ): Promise<DisposalReview & { readonly abilities: RetentionAbilities }> {
    const abilities = requireRetentionStaff(staff);
    const review = await this.retention.disposalReview(staff.accessToken, includeAll);
    return { ...review, abilities };
  }

  async confirm(
    staff: StaffContext,
    rawNhsNumber: string,
  ): Promise<{ ok: true; item: DisposalItem } | { ok: false; errors: FieldError[] }> {
    requireRaiser(staff);
    const checked = nhsNumberOf(rawNhsNumber, 'disposals');
    if ('error' in checked) return { ok: false, errors: [checked.error] };
    return {
      ok: true,
      item: await this.retention.confirmDisposal(staff.accessToken, checked.nhsNumber),
    };
  }
}
