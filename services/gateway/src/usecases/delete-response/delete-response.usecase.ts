// Logical deletion of a response with a reason: hidden from users, kept for audit (retention
// decides physical deletion). The photos are deleted logically in the vault with the same reason.
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import { DELETE_REASON_MAX } from '../../domain/patient-link';
import { Clock } from '../../domain/settings';
import type { StaffContext } from '../../domain/staff-context';
import type { GatewayEvents } from '../../events/gateway-events';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';
import { findResponse } from '../shared/staff-guard';

export class DeleteResponseUseCase {
  constructor(
    private readonly links: PatientLinkRepository,
    private readonly events: GatewayEvents,
    private readonly clock: Clock,
  ) {}

  async execute(staff: StaffContext, requestId: string, reason: string): Promise<void> {
    const clean = reason.trim();
    if (!clean || clean.length > DELETE_REASON_MAX) {
      throw new GatewayError(
        GatewayErrorCode.ReasonRequired,
        `Enter a reason of ${DELETE_REASON_MAX} characters or fewer`,
      );
    }
    const link = await findResponse(this.links, staff, requestId);
    const deleted = await this.links.markDeleted(
      link,
      { by: staff.staffId, at: this.clock.now(), reason: clean },
      this.events.deleted(link, staff.staffId, clean),
    );
    if (!deleted) {
      throw new GatewayError(GatewayErrorCode.ResponseNotFound, 'Response not found');
    }
  }
}
