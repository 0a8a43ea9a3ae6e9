// A clinician opens a response (text and photos) or one of its photos: each view is recorded
// (PatientDataViewed) and the first marks the response read. Photos stream from the vault with
// the clinician's own token, so the vault checks the organisation again.
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import type { PatientLink } from '../../domain/patient-link';
import { Clock } from '../../domain/settings';
import type { StaffContext } from '../../domain/staff-context';
import type { GatewayEvents } from '../../events/gateway-events';
import type { MediaVault, StoredObjectStream } from '../../ports/media-vault.port';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';
import { findResponse } from '../shared/staff-guard';

export class ViewResponseUseCase {
  constructor(
    private readonly links: PatientLinkRepository,
    private readonly vault: MediaVault,
    private readonly events: GatewayEvents,
    private readonly clock: Clock,
  ) {}

  async execute(staff: StaffContext, requestId: string): Promise<PatientLink> {
    const link = await findResponse(this.links, staff, requestId);
    await this.links.recordView(
      link,
      this.clock.now(),
      this.events.dataViewed(link, staff.staffId, 'response'),
    );
    return link;
  }

  async photo(
    staff: StaffContext,
    requestId: string,
    mediaId: string,
    download: boolean,
  ): Promise<StoredObjectStream> {
    const link = await findResponse(this.links, staff, requestId);
    if (!link.response!.photos.some((photo) => photo.mediaId === mediaId)) {
      throw new GatewayError(GatewayErrorCode.ResponseNotFound, 'Photo not found');
    }
    await this.links.recordView(
      link,
      this.clock.now(),
      this.events.dataViewed(link, staff.staffId, download ? 'photo-download' : 'photo', mediaId),
    );
    return this.vault.readAsStaff(staff.accessToken, mediaId, download);
  }
}
