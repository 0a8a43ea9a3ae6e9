// The media vault over its gRPC API. Patient uploads stream chunk by chunk (client streaming) as
// the gateway itself (`CairnService <token>`); staff reads forward the staff token.
import { Code, ConnectError } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  AccessPurpose,
  DeletedBy,
  Disposition,
  MediaKind,
  type UploadObjectRequestSchema,
} from '@cairn/contracts/cairn/media_vault/v1/media_vault_pb';
import { GatewayError, GatewayErrorCode } from '../domain/gateway-error';
import type { AttachedPhoto } from '../domain/patient-link';
import {
  MediaVault,
  type PatientUpload,
  type StoredObjectInfo,
  type StoredObjectStream,
  type SubjectAccessListing,
} from '../ports/media-vault.port';
import { bearer, type mediaVaultClient } from './grpc-clients';

const MAX_CHUNK = 256 * 1024;

export class GrpcMediaVault extends MediaVault {
  constructor(
    private readonly client: ReturnType<typeof mediaVaultClient>,
    private readonly serviceToken: string,
  ) {
    super();
  }

  private get asService() {
    return { headers: { authorization: `CairnService ${this.serviceToken}` } };
  }

  async uploadForPatient(
    upload: PatientUpload,
    body: AsyncIterable<Uint8Array>,
  ): Promise<AttachedPhoto> {
    async function* requests(): AsyncGenerator<MessageInitShape<typeof UploadObjectRequestSchema>> {
      yield {
        part: {
          case: 'header',
          value: {
            organisation: upload.odsCode,
            nhsNumber: upload.nhsNumber,
            groupId: upload.groupId,
            filename: upload.filename,
            declaredType: upload.declaredType,
          },
        },
      };
      for await (const chunk of body) {
        for (let offset = 0; offset < chunk.byteLength; offset += MAX_CHUNK) {
          yield { part: { case: 'chunk', value: chunk.subarray(offset, offset + MAX_CHUNK) } };
        }
      }
    }
    try {
      const res = await this.client.uploadObject(requests(), this.asService);
      const object = res.object!;
      return {
        mediaId: object.objectId,
        filename: object.filename || upload.filename,
        contentType: object.mediaType,
        sizeBytes: Number(object.sizeBytes),
        advice: object.quality?.advice ?? [],
      };
    } catch (error) {
      throw patientUploadError(error);
    }
  }

  async discardForPatient(
    upload: Pick<PatientUpload, 'odsCode' | 'groupId'>,
    mediaId: string,
  ): Promise<void> {
    await this.client.deleteObject(
      {
        objectId: mediaId,
        reason: 'Removed by the patient before submitting',
        organisation: upload.odsCode,
        groupId: upload.groupId,
      },
      this.asService,
    );
  }

  async readForPatient(
    upload: Pick<PatientUpload, 'odsCode' | 'groupId'>,
    mediaId: string,
  ): Promise<StoredObjectStream> {
    // The vault serves a service caller only objects of the "document:" group it names.
    return this.read(mediaId, true, this.asService, {
      organisation: upload.odsCode,
      groupId: upload.groupId,
    });
  }

  async readAsStaff(
    accessToken: string,
    mediaId: string,
    download: boolean,
  ): Promise<StoredObjectStream> {
    return this.read(mediaId, download, bearer(accessToken));
  }

  override async listForSubjectAccess(
    accessToken: string,
    groupId: string,
  ): Promise<SubjectAccessListing> {
    const res = await this.client.listObjects(
      { groupId, purpose: AccessPurpose.SUBJECT_ACCESS, includeDeleted: true },
      bearer(accessToken),
    );
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    const objects = res.objects.map((o): StoredObjectInfo => ({
      objectId: o.objectId,
      groupId: o.groupId,
      kind: o.kind === MediaKind.IMAGE ? 'image' : o.kind === MediaKind.PDF ? 'pdf' : 'unknown',
      mediaType: o.mediaType,
      originalMediaType: o.originalMediaType,
      filename: o.filename,
      sizeBytes: Number(o.sizeBytes),
      originalSizeBytes: Number(o.originalSizeBytes),
      storedSha256: hex(o.storedSha256),
      originalSha256: hex(o.originalSha256),
      width: o.width,
      height: o.height,
      pageCount: o.pageCount,
      createdAt: o.createdAt ? timestampDate(o.createdAt) : null,
      deleted:
        o.deletedAt || o.deletedBy !== DeletedBy.UNSPECIFIED
          ? {
              at: o.deletedAt ? timestampDate(o.deletedAt) : null,
              by:
                o.deletedBy === DeletedBy.PATIENT
                  ? 'patient'
                  : o.deletedBy === DeletedBy.STAFF
                    ? 'staff'
                    : 'unknown',
            }
          : null,
    }));
    return { objects, includesDeleted: res.includesDeleted };
  }

  override async readForSubjectAccess(
    accessToken: string,
    mediaId: string,
  ): Promise<StoredObjectStream> {
    return this.read(mediaId, true, bearer(accessToken), {
      organisation: '',
      groupId: '',
      purpose: AccessPurpose.SUBJECT_ACCESS,
    });
  }

  private async read(
    mediaId: string,
    download: boolean,
    options: { headers: Record<string, string> },
    scope: { organisation: string; groupId: string; purpose?: AccessPurpose } = {
      organisation: '',
      groupId: '',
    },
  ): Promise<StoredObjectStream> {
    const stream = this.client.readObject({ objectId: mediaId, download, ...scope }, options);
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done || first.value.part.case !== 'header') {
      throw new ConnectError('the vault sent no header', Code.Internal);
    }
    const header = first.value.part.value;
    return {
      mediaType: header.mediaType,
      filename: header.filename,
      sizeBytes: Number(header.sizeBytes),
      inline: header.disposition === Disposition.INLINE,
      chunks: (async function* () {
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          if (next.value.part.case === 'chunk') yield next.value.part.value;
        }
      })(),
    };
  }
}

/** The vault's refusals carry a message a patient can read; keep it, give it our code. */
function patientUploadError(error: unknown): unknown {
  if (error instanceof GatewayError) return error;
  if (!(error instanceof ConnectError)) return error;
  // Our own refusal while streaming (e.g. the file passed the size limit) comes back wrapped.
  if (error.cause instanceof GatewayError) return error.cause;
  switch (error.code) {
    case Code.InvalidArgument:
      return new GatewayError(GatewayErrorCode.FileTypeNotAllowed, error.rawMessage);
    case Code.ResourceExhausted:
      return new GatewayError(GatewayErrorCode.FileTooLarge, error.rawMessage);
    default:
      return error;
  }
}
