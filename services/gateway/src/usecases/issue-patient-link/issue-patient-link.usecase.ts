// A clinician sends a patient a message; with "allow the patient to reply with photos" the
// gateway mints a response-request link (7 days), stores only its hash, and messaging sends the
// SMS with it. Demographics come from identity's directory, scoped by the clinician's token.
import { randomUUID } from 'node:crypto';
import { DateOfBirthDigester } from '../../domain/date-of-birth';
import { GatewayError, GatewayErrorCode } from '../../domain/gateway-error';
import { mintLinkToken } from '../../domain/link-token';
import type { PatientLink } from '../../domain/patient-link';
import { Clock, type GatewaySettings } from '../../domain/settings';
import type { StaffContext } from '../../domain/staff-context';
import type { GatewayEvents } from '../../events/gateway-events';
import type { Messaging, SentMessage } from '../../ports/messaging.port';
import type { PatientDirectory } from '../../ports/identity.port';
import type { PatientLinkRepository } from '../../repositories/patient-link.repository';

export interface SendPatientMessageCommand {
  readonly nhsNumber: string;
  readonly message: string;
  readonly allowPhotoReply: boolean;
  /** Chosen by the form (a hidden random value) so a double submit sends one SMS. */
  readonly idempotencyKey: string;
}

export interface SendPatientMessageResult {
  readonly message: SentMessage;
  readonly requestId?: string;
  /** Only for tests and the sandbox; never logged. */
  readonly linkUrl?: string;
}

export class IssuePatientLinkUseCase {
  constructor(
    private readonly links: PatientLinkRepository,
    private readonly directory: PatientDirectory,
    private readonly messaging: Messaging,
    private readonly digester: DateOfBirthDigester,
    private readonly events: GatewayEvents,
    private readonly settings: GatewaySettings,
    private readonly clock: Clock,
  ) {}

  async execute(
    staff: StaffContext,
    command: SendPatientMessageCommand,
  ): Promise<SendPatientMessageResult> {
    const text = command.message.trim();
    if (!text) {
      throw new GatewayError(GatewayErrorCode.InvalidRequest, 'Enter a message');
    }
    if (!/^[A-Za-z0-9_-]{8,100}$/.test(command.idempotencyKey)) {
      throw new GatewayError(GatewayErrorCode.InvalidRequest, 'Missing or bad idempotency key');
    }
    const patient = await this.directory.find(staff.accessToken, staff.odsCode, command.nhsNumber);
    if (!command.allowPhotoReply) {
      const message = await this.messaging.send(staff.accessToken, {
        idempotencyKey: command.idempotencyKey,
        nhsNumber: patient.nhsNumber,
        body: text,
      });
      return { message };
    }
    const now = this.clock.now();
    const minted = mintLinkToken();
    const organisationName = await this.directory.organisationName(
      staff.accessToken,
      staff.odsCode,
    );
    const link: PatientLink = {
      id: minted.hash,
      requestId: randomUUID(),
      kind: 'response-request',
      odsCode: staff.odsCode,
      organisationName,
      issuedBy: staff.staffId,
      nhsNumber: patient.nhsNumber,
      patientName: patient.name,
      message: text,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.settings.responseWindowMs),
      dobAttempts: 0,
      draftText: '',
      draftPhotos: [],
    };
    await this.links.create(
      {
        _id: link.id,
        requestId: link.requestId,
        kind: link.kind,
        odsCode: link.odsCode,
        organisationName,
        issuedBy: link.issuedBy,
        nhsNumber: link.nhsNumber,
        patientName: link.patientName,
        dobDigest: this.digester.digest(link.id, patient.dateOfBirth),
        message: text,
        createdAt: now,
        expiresAt: link.expiresAt,
        documentMediaId: null,
        documentFilename: null,
      },
      [this.events.linkIssued(link)],
    );
    const url = new URL(`/r/${minted.token}`, this.settings.publicBaseUrl).toString();
    const message = await this.messaging.send(staff.accessToken, {
      idempotencyKey: command.idempotencyKey,
      nhsNumber: patient.nhsNumber,
      body: text,
      link: { kind: 'response-request', url, expiresAt: link.expiresAt },
    });
    return { message, requestId: link.requestId, linkUrl: url };
  }
}
