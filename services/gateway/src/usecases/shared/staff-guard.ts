// Authorisation for staff use cases, the same for pages and the API: a clinical role, and
// patient data of the caller's own organisation only (repositories take the ODS code).
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import type { PatientLink } from '../../domain/patient-link';
import { CLINICAL_ROLES, type StaffContext } from '../../domain/staff-context';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';

export function requireClinical(staff: StaffContext): void {
  if (!staff.roles.some((role) => (CLINICAL_ROLES as readonly string[]).includes(role))) {
    throw new GatewayError(GatewayErrorCode.ClinicalRoleRequired, 'A clinical role is required');
  }
}

/** A submitted, not deleted response of the caller's organisation; NotFound otherwise. */
export async function findResponse(
  links: PatientLinkRepository,
  staff: StaffContext,
  requestId: string,
): Promise<PatientLink> {
  requireClinical(staff);
  const link = /^[0-9a-f-]{36}$/.test(requestId)
    ? await links.findForOrganisation(staff.odsCode, requestId)
    : null;
  if (!link || !link.response || link.deleted) {
    throw new GatewayError(GatewayErrorCode.ResponseNotFound, 'Response not found');
  }
  return link;
}
