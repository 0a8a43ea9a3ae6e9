// cairn.media_vault.v1.MediaVaultService: proto ↔ use-case mapping and who may call what.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import {
  AccessPurpose,
  DeletedBy,
  DeleteObjectResponseSchema,
  Disposition,
  GetThumbnailResponseSchema,
  ListObjectsResponseSchema,
  MediaKind,
  MediaObjectSchema,
  MediaVaultService,
  PhotoQuality_Verdict,
  PhotoQualitySchema,
  ReadObjectResponseSchema,
  UploadObjectResponseSchema,
  type DeleteObjectRequest,
  type GetThumbnailRequest,
  type ListObjectsRequest,
  type MediaObject,
  type ReadObjectRequest,
  type ReadObjectResponse,
  type UploadObjectRequest,
} from '@cairn/contracts/cairn/media_vault/v1/media_vault_pb';
import { requireRole } from '@cairn/auth';
import { RpcService } from '@cairn/platform';
import { Inject } from '@nestjs/common';
import { MediaError, MediaErrorCode } from '../domain/media-error';
import type { AccessScope, MediaObjectView } from '../domain/media-object';
import { DeleteObjectUseCase } from '../usecases/delete-object/delete-object.usecase';
import { GetThumbnailUseCase } from '../usecases/get-thumbnail/get-thumbnail.usecase';
import { ListObjectsUseCase } from '../usecases/list-objects/list-objects.usecase';
import { ReadObjectUseCase } from '../usecases/read-object/read-object.usecase';
import { UploadObjectUseCase } from '../usecases/upload-object/upload-object.usecase';
import { isServiceCaller, requireService } from './service-caller';

/** Bytes per streamed chunk on reads. */
export const READ_CHUNK = 256 * 1024;
/** Largest chunk accepted on uploads. */
export const MAX_UPLOAD_CHUNK = 1024 * 1024;

const READ_ROLES = ['clinician', 'senior-clinician'] as const;
/**
 * Roles that may read and list their own organisation's objects, and only with purpose
 * SUBJECT_ACCESS (answering a subject access request; recorded on ObjectAccessed).
 */
const SUBJECT_ACCESS_ROLES = ['caldicott-guardian', 'privacy-officer'] as const;

export function objectToProto(view: MediaObjectView): MediaObject {
  const q = view.quality;
  return create(MediaObjectSchema, {
    objectId: view.objectId,
    organisation: view.organisation,
    groupId: view.groupId,
    kind: view.kind === 'image' ? MediaKind.IMAGE : MediaKind.PDF,
    mediaType: view.mediaType,
    filename: view.filename,
    sizeBytes: BigInt(view.sizeBytes),
    originalSizeBytes: BigInt(view.originalSizeBytes),
    originalSha256: view.originalSha256,
    storedSha256: view.storedSha256,
    originalMediaType: view.originalMediaType,
    width: view.width,
    height: view.height,
    pageCount: view.pageCount,
    thumbnailAvailable: view.thumbnailAvailable,
    quality: q
      ? create(PhotoQualitySchema, {
          verdict:
            q.verdict === 'good'
              ? PhotoQuality_Verdict.GOOD
              : q.verdict === 'fair'
                ? PhotoQuality_Verdict.FAIR
                : PhotoQuality_Verdict.POOR,
          sharpness: q.sharpness,
          exposure: q.exposure,
          resolutionMegapixels: q.resolutionMegapixels,
          darkClipped: q.darkClipped,
          brightClipped: q.brightClipped,
          advice: [...q.advice],
          sharpEnough: q.sharpEnough,
          wellExposed: q.wellExposed,
          highEnoughResolution: q.highEnoughResolution,
        })
      : undefined,
    createdAt: timestampFromDate(view.createdAt),
    ...(view.deleted
      ? {
          deletedAt: timestampFromDate(view.deleted.at),
          deletedBy:
            view.deleted.by === 'patient'
              ? DeletedBy.PATIENT
              : view.deleted.by === 'staff'
                ? DeletedBy.STAFF
                : DeletedBy.UNSPECIFIED,
        }
      : {}),
  });
}

/** Groups of documents staff send to patients; the only content a service may read. */
export const DOCUMENT_GROUP_PREFIX = 'document:';
export function isDocumentGroup(groupId: string): boolean {
  return groupId.startsWith(DOCUMENT_GROUP_PREFIX) && groupId.length > DOCUMENT_GROUP_PREFIX.length;
}

/**
 * Staff scoped to the organisation in their token (never the request's): a clinical role for
 * ordinary reads; caldicott-guardian or privacy-officer when the purpose is subject access (and
 * only then: the purpose does not widen what a clinical role may do, nor the other way round).
 */
function staffScope(
  ctx: HandlerContext,
  purpose: AccessPurpose = AccessPurpose.UNSPECIFIED,
): Extract<AccessScope, { kind: 'staff' }> {
  if (purpose !== AccessPurpose.UNSPECIFIED && purpose !== AccessPurpose.SUBJECT_ACCESS) {
    throw new MediaError(MediaErrorCode.InvalidRequest, 'unknown purpose');
  }
  const subjectAccess = purpose === AccessPurpose.SUBJECT_ACCESS;
  const staff = subjectAccess
    ? requireRole(ctx, ...SUBJECT_ACCESS_ROLES)
    : requireRole(ctx, ...READ_ROLES);
  // Tokens with roles always carry an organisation (@cairn/auth); refuse rather than assume.
  if (staff.org === null) throw new MediaError(MediaErrorCode.NotFound, 'no such object');
  return {
    kind: 'staff',
    organisation: staff.org,
    staffId: staff.sub,
    purpose: subjectAccess ? 'subject-access' : 'care',
  };
}

/** A purpose is for staff calls: a service credential naming one is refused. */
function refusePurposeForService(ctx: HandlerContext, purpose: AccessPurpose): void {
  if (purpose !== AccessPurpose.UNSPECIFIED && isServiceCaller(ctx)) {
    throw new MediaError(MediaErrorCode.ServiceRequired, 'a purpose is for staff calls only');
  }
}

async function* chunksAfterHeader(
  iterator: AsyncIterator<UploadObjectRequest>,
): AsyncGenerator<Uint8Array> {
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
    const part = next.value.part;
    if (part.case !== 'chunk') {
      throw new MediaError(MediaErrorCode.BadUpload, 'only one header, first, then chunks');
    }
    if (part.value.length > MAX_UPLOAD_CHUNK) {
      throw new MediaError(
        MediaErrorCode.BadUpload,
        `chunks must be at most ${MAX_UPLOAD_CHUNK} bytes`,
      );
    }
    yield part.value;
  }
}

@RpcService(MediaVaultService)
export class MediaVaultRpc implements ServiceImpl<typeof MediaVaultService> {
  constructor(
    @Inject(UploadObjectUseCase) private readonly upload: UploadObjectUseCase,
    @Inject(ReadObjectUseCase) private readonly read: ReadObjectUseCase,
    @Inject(GetThumbnailUseCase) private readonly thumbnails: GetThumbnailUseCase,
    @Inject(ListObjectsUseCase) private readonly lists: ListObjectsUseCase,
    @Inject(DeleteObjectUseCase) private readonly deletes: DeleteObjectUseCase,
  ) {}

  async uploadObject(requests: AsyncIterable<UploadObjectRequest>, ctx: HandlerContext) {
    const service = requireService(ctx);
    const iterator = requests[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done || first.value.part.case !== 'header') {
      throw new MediaError(MediaErrorCode.BadUpload, 'the first message must be the header');
    }
    const h = first.value.part.value;
    const view = await this.upload.execute({
      service,
      header: {
        organisation: h.organisation,
        nhsNumber: h.nhsNumber,
        groupId: h.groupId,
        filename: h.filename,
        declaredType: h.declaredType,
        declaredSize: Number(h.declaredSize),
        clientUploadId: h.clientUploadId,
      },
      chunks: chunksAfterHeader(iterator),
    });
    return create(UploadObjectResponseSchema, { object: objectToProto(view) });
  }

  async *readObject(
    req: ReadObjectRequest,
    ctx: HandlerContext,
  ): AsyncGenerator<ReadObjectResponse> {
    refusePurposeForService(ctx, req.purpose);
    const scope = isServiceCaller(ctx)
      ? this.documentScope(ctx, req.organisation, req.groupId)
      : staffScope(ctx, req.purpose);
    const result = await this.read.execute(scope, req.objectId, req.download);
    yield create(ReadObjectResponseSchema, {
      part: {
        case: 'header',
        value: {
          objectId: result.objectId,
          mediaType: result.mediaType,
          disposition:
            result.disposition === 'inline' ? Disposition.INLINE : Disposition.ATTACHMENT,
          sizeBytes: BigInt(result.bytes.length),
          filename: result.filename,
          sha256: result.sha256,
          ...(result.deletedAt ? { deletedAt: timestampFromDate(result.deletedAt) } : {}),
        },
      },
    });
    for (let offset = 0; offset < result.bytes.length; offset += READ_CHUNK) {
      yield create(ReadObjectResponseSchema, {
        part: { case: 'chunk', value: result.bytes.subarray(offset, offset + READ_CHUNK) },
      });
    }
  }

  async getThumbnail(req: GetThumbnailRequest, ctx: HandlerContext) {
    const thumb = await this.thumbnails.execute(
      this.scope(ctx, req.organisation, req.groupId),
      req.objectId,
    );
    return create(GetThumbnailResponseSchema, {
      mediaType: thumb.mediaType,
      data: thumb.bytes,
      width: thumb.width,
      height: thumb.height,
    });
  }

  async listObjects(req: ListObjectsRequest, ctx: HandlerContext) {
    refusePurposeForService(ctx, req.purpose);
    const objects = await this.lists.execute(
      isServiceCaller(ctx)
        ? this.scope(ctx, req.organisation, req.groupId)
        : staffScope(ctx, req.purpose),
      req.groupId,
      { includeDeleted: req.includeDeleted },
    );
    return create(ListObjectsResponseSchema, {
      objects: objects.map(objectToProto),
      includesDeleted: req.includeDeleted,
    });
  }

  async deleteObject(req: DeleteObjectRequest, ctx: HandlerContext) {
    const at = await this.deletes.execute(
      this.scope(ctx, req.organisation, req.groupId),
      req.objectId,
      req.reason,
    );
    return create(DeleteObjectResponseSchema, { deletedAt: timestampFromDate(at) });
  }

  /** The gateway reading for a patient: only a document group ("document:<id>") it names. */
  private documentScope(
    ctx: HandlerContext,
    organisation: string,
    groupId: string,
  ): Extract<AccessScope, { kind: 'service' }> {
    if (!isDocumentGroup(groupId)) {
      throw new MediaError(
        MediaErrorCode.ServiceRequired,
        'a service may read only documents sent to patients',
      );
    }
    const scope = this.scope(ctx, organisation, groupId);
    if (scope.kind !== 'service') throw new Error('a service caller resolved to a staff scope');
    return scope;
  }

  /** Staff: the token's organisation (a clinical role). The gateway: the organisation and group it names. */
  private scope(ctx: HandlerContext, organisation: string, groupId: string): AccessScope {
    if (isServiceCaller(ctx)) {
      const service = requireService(ctx);
      if (!organisation || !groupId) {
        throw new MediaError(
          MediaErrorCode.InvalidRequest,
          'organisation and group_id are required',
        );
      }
      return { kind: 'service', service, organisation, groupId };
    }
    return staffScope(ctx);
  }
}
