// "Save to record": the patient's text and photos filed to the GP record through identity's
// clinical-system adapter (FHIR DocumentReference, or the simulator), idempotent per response.
import type { StaffContext } from '../../domain/staff-context';
import { Clock } from '../../domain/settings';
import type { GatewayEvents } from '../../events/gateway-events';
import type { ClinicalRecord } from '../../ports/identity.port';
import type { MediaVault } from '../../ports/media-vault.port';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';
import { findResponse } from '../shared/staff-guard';

export class SaveResponseToRecordUseCase {
  constructor(
    private readonly links: PatientLinkRepository,
    private readonly vault: MediaVault,
    private readonly record: ClinicalRecord,
    private readonly events: GatewayEvents,
    private readonly clock: Clock,
  ) {}

  async execute(staff: StaffContext, requestId: string): Promise<{ reference: string }> {
    const link = await findResponse(this.links, staff, requestId);
    if (link.savedToRecord) return { reference: link.savedToRecord.reference };
    const attachments = [];
    for (const photo of link.response!.photos) {
      const stored = await this.vault.readAsStaff(staff.accessToken, photo.mediaId, true);
      const chunks: Uint8Array[] = [];
      for await (const chunk of stored.chunks) chunks.push(chunk);
      attachments.push({
        contentType: stored.mediaType,
        filename: stored.filename || photo.filename,
        data: Buffer.concat(chunks),
      });
    }
    const { reference } = await this.record.save(staff.accessToken, {
      odsCode: staff.odsCode,
      nhsNumber: link.nhsNumber,
      idempotencyKey: `save-response-${link.requestId}`,
      title: 'Patient photo response',
      text: link.response!.text,
      attachments,
      sourceReference: `cairn:response:${link.requestId}`,
    });
    await this.links.recordSaved(
      link,
      { by: staff.staffId, at: this.clock.now(), reference },
      this.events.savedToRecord(link, staff.staffId, reference),
    );
    return { reference };
  }
}
