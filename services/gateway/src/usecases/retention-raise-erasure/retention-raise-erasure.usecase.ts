// Raises an erasure request for a Caldicott Guardian or Privacy Officer. The form's request id
// makes it idempotent: a double submission, or a retry after a refusal, is the same request.
import type { StaffContext } from '../../domain/staff-context';
import type { Erasure, Retention } from '../../ports/retention.port';
import type { FieldError } from '../retention-shared/retention-forms';
import { requireRaiser } from '../retention-shared/retention-roles';
import { parseRaiseErasure, type RaiseErasureForm } from './retention-raise-erasure.command';

export type RaisedErasure =
  | { readonly ok: true; readonly erasure: Erasure }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

export class RetentionRaiseErasureUseCase {
  constructor(private readonly retention: Retention) {}

  /** Checks the role before showing the form. */
  start(staff: StaffContext): void {
    requireRaiser(staff);
  }

  async execute(staff: StaffContext, form: RaiseErasureForm): Promise<RaisedErasure> {
    requireRaiser(staff);
    const parsed = parseRaiseErasure(form);
    if (!parsed.ok) return parsed;
    return {
      ok: true,
      erasure: await this.retention.raiseErasure(staff.accessToken, parsed.request),
    };
  }
}
