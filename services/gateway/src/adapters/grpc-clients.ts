// Typed gRPC clients for the services the gateway calls (calls point inwards from the edge).
// Staff calls forward the staff member's access token; media-vault uploads on a patient's
// behalf use the gateway's own service token.
import { createServiceClient } from '@cairn/platform';
import { ClinicalRecordService } from '@cairn/contracts/cairn/identity/v1/clinical_record_pb';
import { PatientDirectoryService } from '@cairn/contracts/cairn/identity/v1/directory_pb';
import { OrganisationService } from '@cairn/contracts/cairn/identity/v1/organisations_pb';
import { PolicyService } from '@cairn/contracts/cairn/identity/v1/policies_pb';
import { SessionService } from '@cairn/contracts/cairn/identity/v1/sessions_pb';
import { StaffService } from '@cairn/contracts/cairn/identity/v1/staff_pb';
import { MediaVaultService } from '@cairn/contracts/cairn/media_vault/v1/media_vault_pb';
import { MessagingService } from '@cairn/contracts/cairn/messaging/v1/messaging_pb';

export function identityClients(baseUrl: string) {
  return {
    directory: createServiceClient(PatientDirectoryService, { baseUrl }),
    organisations: createServiceClient(OrganisationService, { baseUrl }),
    record: createServiceClient(ClinicalRecordService, { baseUrl, deadlineMs: 30_000 }),
    sessions: createServiceClient(SessionService, { baseUrl }),
    policies: createServiceClient(PolicyService, { baseUrl }),
    staff: createServiceClient(StaffService, { baseUrl }),
  };
}
export type IdentityClients = ReturnType<typeof identityClients>;

export function messagingClient(baseUrl: string) {
  return createServiceClient(MessagingService, { baseUrl });
}

export function mediaVaultClient(baseUrl: string) {
  return createServiceClient(MediaVaultService, { baseUrl, deadlineMs: 120_000 });
}

export function bearer(accessToken: string) {
  return { headers: { authorization: `Bearer ${accessToken}` } };
}
