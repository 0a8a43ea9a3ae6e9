// A clinician sends a patient a document (a PDF or image): the file streams into the media vault
// under a new request id, the gateway mints a document link (14 days, the same date-of-birth
// check and lock as response requests) and messaging sends the SMS with it.
import { randomUUID } from 'node:crypto';
import { DateOfBirthDigester } from '../../domain/date-of-birth';
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import { mintLinkToken } from '../../domain/link-token';
import type { PatientLink } from '../../domain/patient-link';
import { Clock, type GatewaySettings } from '../../domain/settings';
import type { StaffContext } from '../../domain/staff-context';
import type { GatewayEvents } from '../../events/gateway-events';
import type { PatientDirectory } from '../../ports/identity.port';
import { documentGroup, type MediaVault } from '../../ports/media-vault.port';
import type { Messaging } from '../../ports/messaging.port';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';
import { safeFilename } from '../attach-photo/attach-photo.usecase';
import { requireClinical } from '../shared/staff-guard';

export interface SendDocumentCommand {
  readonly nhsNumber: string;
  readonly message: string;
  readonly idempotencyKey: string;
  readonly filename: string;
  readonly declaredType: string;
  readonly body: AsyncIterable<Uint8Array>;
}

export class IssueDocumentLinkUseCase {
  constructor(
    private readonly links: PatientLinkRepository,
    private readonly directory: PatientDirectory,
    private readonly messaging: Messaging,
    private readonly vault: MediaVault,
    private readonly digester: DateOfBirthDigester,
    private readonly events: GatewayEvents,
    private readonly settings: GatewaySettings,
    private readonly clock: Clock,
  ) {}

  async execute(
    staff: StaffContext,
    command: SendDocumentCommand,
  ): Promise<{ requestId: string; linkUrl: string }> {
    requireClinical(staff);
    if (!/^[A-Za-z0-9_-]{8,100}$/.test(command.idempotencyKey)) {
      throw new GatewayError(GatewayErrorCode.InvalidRequest, 'Missing or bad idempotency key');
    }
    const text = command.message.trim() || 'Your GP practice has sent you a document.';
    const patient = await this.directory.find(staff.accessToken, staff.odsCode, command.nhsNumber);
    const requestId = randomUUID();
    const stored = await this.vault.uploadForPatient(
      {
        odsCode: staff.odsCode,
        nhsNumber: patient.nhsNumber,
        groupId: documentGroup(requestId),
        filename: safeFilename(command.filename),
        declaredType: command.declaredType,
      },
      command.body,
    );
    const now = this.clock.now();
    const minted = mintLinkToken();
    const organisationName = await this.directory.organisationName(
      staff.accessToken,
      staff.odsCode,
    );
    const link: PatientLink = {
      id: minted.hash,
      requestId,
      kind: 'document',
      odsCode: staff.odsCode,
      organisationName,
      issuedBy: staff.staffId,
      nhsNumber: patient.nhsNumber,
      patientName: patient.name,
      message: text,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.settings.documentWindowMs),
      dobAttempts: 0,
      draftText: '',
      draftPhotos: [],
      documentMediaId: stored.mediaId,
      documentFilename: stored.filename,
    };
    await this.links.create(
      {
        _id: link.id,
        requestId,
        kind: 'document',
        odsCode: link.odsCode,
        organisationName,
        issuedBy: staff.staffId,
        nhsNumber: patient.nhsNumber,
        patientName: patient.name,
        dobDigest: this.digester.digest(link.id, patient.dateOfBirth),
        message: text,
        createdAt: now,
        expiresAt: link.expiresAt,
        documentMediaId: stored.mediaId,
        documentFilename: stored.filename,
      },
      [this.events.linkIssued(link)],
    );
    const linkUrl = new URL(`/d/${minted.token}`, this.settings.publicBaseUrl).toString();
    await this.messaging.send(staff.accessToken, {
      idempotencyKey: command.idempotencyKey,
      nhsNumber: patient.nhsNumber,
      body: text,
      link: { kind: 'document', url: linkUrl, expiresAt: link.expiresAt },
    });
    return { requestId, linkUrl };
  }
}
