// In-memory stand-ins for the services the gateway calls, for small and medium tests.
import { randomUUID } from 'node:crypto';
import type { AttachedPhoto } from '../../src/domain/patient-link';
import { GatewayError, GatewayErrorCode } from '../../src/domain/gateway-error';
import {
  ClinicalRecord,
  PatientDirectory,
  type DirectoryPatient,
  type RecordFiling,
} from '../../src/ports/identity.port';
import {
  MediaVault,
  type PatientUpload,
  type StoredObjectStream,
} from '../../src/ports/media-vault.port';
import { Messaging, type OutgoingMessage, type SentMessage } from '../../src/ports/messaging.port';
import {
  StaffIdentity,
  type PendingStaffMember,
  type SignInResult,
  type StaffTokens,
  type VerifiedStaff,
} from '../../src/ports/staff-identity.port';

export const TEST_PATIENT: DirectoryPatient = {
  nhsNumber: '9000000009',
  name: 'Alex Example',
  dateOfBirth: '1980-03-14',
  hasMobile: true,
  deceased: false,
};

export class FakeDirectory extends PatientDirectory {
  patients = new Map<string, Map<string, DirectoryPatient>>([
    ['A81001', new Map([[TEST_PATIENT.nhsNumber, TEST_PATIENT]])],
  ]);

  async find(_token: string, odsCode: string, nhsNumber: string): Promise<DirectoryPatient> {
    const patient = this.patients.get(odsCode)?.get(nhsNumber);
    if (!patient) throw new GatewayError(GatewayErrorCode.ResponseNotFound, 'Patient not found');
    return patient;
  }

  async search(_token: string, odsCode: string, query: string): Promise<DirectoryPatient[]> {
    return [...(this.patients.get(odsCode)?.values() ?? [])].filter(
      (p) =>
        p.nhsNumber === query.replace(/[\s-]/g, '') ||
        p.name.toLowerCase().includes(query.toLowerCase()),
    );
  }

  async organisationName(_token: string, odsCode: string): Promise<string> {
    return `Test Practice ${odsCode}`;
  }
}

export class FakeMessaging extends Messaging {
  readonly sent: OutgoingMessage[] = [];

  async send(_token: string, message: OutgoingMessage): Promise<SentMessage> {
    this.sent.push(message);
    return {
      id: randomUUID(),
      text: message.body + (message.link ? `\n${message.link.url}` : ''),
      status: 'queued',
      createdAt: new Date(),
      sentBy: 'staff',
    };
  }

  async history(): Promise<SentMessage[]> {
    return [];
  }
}

export class FakeMediaVault extends MediaVault {
  readonly objects = new Map<string, { upload: PatientUpload; bytes: Buffer; deleted: boolean }>();
  maxBytes = 1024 * 1024;
  /** Called when an upload's first chunk arrives (tests use it to prove streaming). */
  onFirstChunk?: () => void;

  async uploadForPatient(
    upload: PatientUpload,
    body: AsyncIterable<Uint8Array>,
  ): Promise<AttachedPhoto> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      if (size === 0) this.onFirstChunk?.();
      size += chunk.byteLength;
      if (size > this.maxBytes) {
        throw new GatewayError(GatewayErrorCode.FileTooLarge, 'The photo is too large');
      }
      chunks.push(Buffer.from(chunk));
    }
    const bytes = Buffer.concat(chunks);
    const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
    const isPng = bytes.subarray(0, 4).toString('latin1') === '\x89PNG';
    const isPdf = bytes.subarray(0, 5).toString('latin1') === '%PDF-';
    if (isPdf) {
      const mediaId = randomUUID();
      this.objects.set(mediaId, { upload, bytes, deleted: false });
      return {
        mediaId,
        filename: upload.filename,
        contentType: 'application/pdf',
        sizeBytes: bytes.length,
        advice: [],
      };
    }
    if (!isJpeg && !isPng) {
      throw new GatewayError(
        GatewayErrorCode.FileTypeNotAllowed,
        'The file must be a photo (JPEG or PNG)',
      );
    }
    const mediaId = randomUUID();
    this.objects.set(mediaId, { upload, bytes, deleted: false });
    return {
      mediaId,
      filename: upload.filename,
      contentType: isJpeg ? 'image/jpeg' : 'image/png',
      sizeBytes: bytes.length,
      advice: bytes.length < 2048 ? ['This photo looks very small. Take it again closer up.'] : [],
    };
  }

  async discardForPatient(_upload: unknown, mediaId: string): Promise<void> {
    const object = this.objects.get(mediaId);
    if (object) object.deleted = true;
  }

  async readForPatient(
    upload: { odsCode: string; groupId: string },
    mediaId: string,
  ): Promise<StoredObjectStream> {
    const object = this.objects.get(mediaId);
    if (
      !object ||
      object.upload.odsCode !== upload.odsCode ||
      object.upload.groupId !== upload.groupId
    ) {
      throw new GatewayError(GatewayErrorCode.ResponseNotFound, 'Document not found');
    }
    return this.readAsStaff('', mediaId, true);
  }

  async readAsStaff(
    _token: string,
    mediaId: string,
    download: boolean,
  ): Promise<StoredObjectStream> {
    const object = this.objects.get(mediaId);
    if (!object || object.deleted) {
      throw new GatewayError(GatewayErrorCode.ResponseNotFound, 'Photo not found');
    }
    return {
      mediaType: 'image/jpeg',
      filename: object.upload.filename,
      sizeBytes: object.bytes.length,
      inline: !download,
      chunks: (async function* () {
        yield object.bytes;
      })(),
    };
  }
}

export class FakeClinicalRecord extends ClinicalRecord {
  readonly filings: RecordFiling[] = [];

  async save(_token: string, filing: RecordFiling): Promise<{ reference: string }> {
    this.filings.push(filing);
    return { reference: `doc-${this.filings.length}` };
  }
}

/** A tiny valid-looking JPEG header plus padding (the fake vault checks magic bytes only). */
export function fakeJpeg(size = 200): Buffer {
  const bytes = Buffer.alloc(size, 0x20);
  bytes[0] = 0xff;
  bytes[1] = 0xd8;
  return bytes;
}

/** Staff accounts by email; tokens are "tok:<email>:<n>", verified by lookup. */
export class FakeStaffIdentity extends StaffIdentity {
  readonly accounts = new Map<
    string,
    { password: string; totp: string | null; staff: VerifiedStaff }
  >([
    [
      'clinician@nhs.net',
      {
        password: 'correct horse',
        totp: null,
        staff: {
          staffId: 'staff-1',
          odsCode: 'A81001',
          roles: ['clinician'],
          policyAccepted: true,
        },
      },
    ],
    [
      'other@nhs.net',
      {
        password: 'correct horse',
        totp: null,
        staff: {
          staffId: 'staff-9',
          odsCode: 'B82002',
          roles: ['clinician'],
          policyAccepted: true,
        },
      },
    ],
    [
      'admin@nhs.net',
      {
        password: 'correct horse',
        totp: '123456',
        staff: {
          staffId: 'staff-2',
          odsCode: 'A81001',
          roles: ['administrator'],
          policyAccepted: false,
        },
      },
    ],
  ]);
  private counter = 0;
  readonly actions: string[] = [];

  private tokens(email: string): StaffTokens {
    this.counter += 1;
    return {
      accessToken: `tok:${email}:${this.counter}`,
      accessExpiresAt: new Date(Date.now() + 10 * 60_000),
      refreshToken: `ref:${email}:${this.counter}`,
      refreshExpiresAt: new Date(Date.now() + 3_600_000),
    };
  }

  async signIn(email: string, password: string, totpCode: string): Promise<SignInResult> {
    const account = this.accounts.get(email);
    if (!account || account.password !== password) {
      throw new GatewayError(GatewayErrorCode.SessionRequired, 'Email or password is wrong');
    }
    if (account.totp && account.totp !== totpCode) return { outcome: 'second-factor' };
    return { outcome: 'tokens', tokens: this.tokens(email) };
  }

  async refresh(refreshToken: string): Promise<StaffTokens> {
    return this.tokens(refreshToken.split(':')[1]);
  }

  signOut(): Promise<void> {
    return Promise.resolve();
  }

  async verify(accessToken: string): Promise<VerifiedStaff> {
    const account = this.accounts.get(accessToken.split(':')[1] ?? '');
    if (!account) throw new Error('bad token');
    return account.staff;
  }

  async currentPolicy(): Promise<{ version: string; text: string }> {
    return { version: '2026-01', text: 'Use Cairn only for the care of your patients.' };
  }

  async acceptPolicy(accessToken: string): Promise<void> {
    const account = this.accounts.get(accessToken.split(':')[1] ?? '')!;
    account.staff = { ...account.staff, policyAccepted: true };
  }

  async pendingStaff(): Promise<PendingStaffMember[]> {
    return [{ staffId: 'staff-new', name: 'New Starter', email: 'new@nhs.net' }];
  }

  async approve(_token: string, staffId: string, roles: string[]): Promise<void> {
    this.actions.push(`approve ${staffId} ${roles.join(',')}`);
  }

  async reject(_token: string, staffId: string, reason: string): Promise<void> {
    this.actions.push(`reject ${staffId} ${reason}`);
  }

  async suspend(_token: string, staffId: string, reason: string): Promise<void> {
    this.actions.push(`suspend ${staffId} ${reason}`);
  }
}
