// Intake: checks while the bytes arrive (declared size, running size, type from the first bytes,
// pixel count from the header, the malware scanner reading along), then the scan verdict beside
// decode and re-encode (or PDF inspection) → quality → encrypt → store. Whatever is refused is recorded (ObjectRejected) and its slot released.
// Memory is bounded by the file limit: the bytes are held until checked, never beyond it.
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isValidNhsNumber, parseOdsCode } from '@cairn/nhs';
import { ACCEPTED_TYPES_MESSAGE, MediaError, MediaErrorCode } from '../../domain/media-error';
import {
  actorOf,
  safeFilename,
  type AccessScope,
  type MediaObjectView,
} from '../../domain/media-object';
import { seal } from '../../crypto/envelope';
import type { MediaEvents } from '../../events/media-events';
import { headerPixels, type ImageProcessor } from '../../processing/image-processor';
import { sniffContentType, SNIFF_BYTES, type AcceptedType } from '../../processing/content-type';
import { inspectPdf } from '../../processing/pdf-inspector';
import type { MalwareScanner, ScanSession } from '../../scanning/malware-scanner';
import { BlobStore } from '../../storage/blob-store';
import { toView, type ObjectRepository } from '../../repositories/object.repository';
import type { PatientKeyRepository } from '../../repositories/patient-key.repository';
import type { ObjectDocument, SealedPartDocument } from '../../repositories/media.schema';

export interface UploadLimits {
  readonly maxFileBytes: number;
  readonly maxFilesPerGroup: number;
  readonly maxPixels: number;
}

export interface UploadHeaderInput {
  readonly organisation: string;
  readonly nhsNumber: string;
  readonly groupId: string;
  readonly filename: string;
  readonly declaredType: string;
  readonly declaredSize: number;
  /** Makes a retried upload idempotent within its group; empty for none. */
  readonly clientUploadId?: string;
}

export interface UploadCommand {
  readonly header: UploadHeaderInput;
  readonly service: string;
  readonly chunks: AsyncIterable<Uint8Array>;
}

const GROUP_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// Pixel check from the header: try on the first bytes only (headers are at the start), at a few
// growing sizes rather than on every chunk (each try joins what has arrived and asks libvips).
const HEADER_PROBE_SIZES = [16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024] as const;

function invalid(message: string): MediaError {
  return new MediaError(MediaErrorCode.InvalidRequest, message);
}

export function validateHeader(header: UploadHeaderInput, limits: UploadLimits): void {
  if (
    !parseOdsCode(header.organisation) ||
    parseOdsCode(header.organisation) !== header.organisation
  ) {
    throw invalid('organisation must be an ODS code');
  }
  if (!isValidNhsNumber(header.nhsNumber) || !/^\d{10}$/.test(header.nhsNumber)) {
    throw invalid('nhs_number must be a valid 10-digit NHS number');
  }
  if (!GROUP_ID.test(header.groupId)) {
    throw invalid('group_id must be 1–128 letters, digits or . _ : -');
  }
  if (header.clientUploadId && !GROUP_ID.test(header.clientUploadId)) {
    throw invalid('client_upload_id must be 1–128 letters, digits or . _ : -');
  }
  if (header.declaredSize > limits.maxFileBytes) throw tooLarge(limits.maxFileBytes);
}

/** A retried upload (same organisation, group and client upload id) gets the same object id. */
export function objectIdFor(header: UploadHeaderInput): string {
  if (!header.clientUploadId) return randomUUID();
  const digest = createHash('sha256')
    .update(JSON.stringify([header.organisation, header.groupId, header.clientUploadId]))
    .digest('hex');
  // Shaped like a UUID (version nibble 8: "custom", RFC 9562) so ids look alike.
  return `${digest.slice(0, 8)}-${digest.slice(8, 12)}-8${digest.slice(13, 16)}-a${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
}

function tooLarge(max: number): MediaError {
  const mb = Math.floor(max / 1_000_000);
  return new MediaError(
    MediaErrorCode.TooLarge,
    `The file is too large. Each file must be ${mb} MB or smaller.`,
  );
}

interface Transformed {
  readonly stored: Buffer;
  readonly mediaType: string;
  readonly width: number;
  readonly height: number;
  readonly pageCount: number;
  readonly thumbnail: { bytes: Buffer; width: number; height: number } | undefined;
  readonly quality: ObjectDocument['quality'];
}

interface Received {
  bytes: Buffer;
  type: AcceptedType;
}

class Intake {
  readonly parts: Buffer[] = [];
  size = 0;
  detected = '';
  private type?: AcceptedType;
  private pixelsChecked = false;
  /** Index in HEADER_PROBE_SIZES of the next size at which to try the pixel check. */
  private nextProbe = 0;

  constructor(private readonly limits: UploadLimits) {}

  async take(chunk: Uint8Array): Promise<void> {
    this.size += chunk.length;
    if (this.size > this.limits.maxFileBytes) throw tooLarge(this.limits.maxFileBytes);
    this.parts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (!this.type && this.size >= SNIFF_BYTES) this.decide(false);
    const probeAt = HEADER_PROBE_SIZES[this.nextProbe];
    if (
      this.type &&
      this.type !== 'application/pdf' &&
      !this.pixelsChecked &&
      probeAt !== undefined &&
      this.size >= Math.min(probeAt, this.limits.maxFileBytes)
    ) {
      // Past every size that arrived in this chunk, so one big chunk is probed once.
      while ((HEADER_PROBE_SIZES[this.nextProbe] ?? Infinity) <= this.size) this.nextProbe++;
      const pixels = await headerPixels(Buffer.concat(this.parts, this.size));
      if (pixels !== undefined) {
        this.pixelsChecked = true;
        if (pixels > this.limits.maxPixels) {
          throw new MediaError(
            MediaErrorCode.TooManyPixels,
            'This image is too large in width and height. Please send a smaller photo.',
          );
        }
      }
    }
  }

  finish(): Received {
    if (this.size === 0) {
      throw new MediaError(MediaErrorCode.Empty, 'The file is empty. Please choose it again.');
    }
    if (!this.type) this.decide(true);
    return { bytes: Buffer.concat(this.parts, this.size), type: this.type! };
  }

  private decide(complete: boolean): void {
    const head = Buffer.concat(this.parts).subarray(0, SNIFF_BYTES);
    const sniffed = sniffContentType(head, complete);
    if (sniffed.accepted === 'need-more') return;
    if (sniffed.accepted === false) {
      this.detected = sniffed.detected;
      throw new MediaError(
        MediaErrorCode.TypeNotAllowed,
        `This type of file cannot be accepted. ${ACCEPTED_TYPES_MESSAGE}`,
      );
    }
    this.type = sniffed.type;
    this.detected = sniffed.type;
  }
}

export class UploadObjectUseCase {
  constructor(
    private readonly objects: ObjectRepository,
    private readonly patientKeys: PatientKeyRepository,
    private readonly blobs: BlobStore,
    private readonly scanner: MalwareScanner,
    private readonly images: ImageProcessor,
    private readonly events: MediaEvents,
    private readonly limits: UploadLimits,
    private readonly logger: Logger,
  ) {}

  async execute(command: UploadCommand): Promise<MediaObjectView> {
    const { header } = command;
    validateHeader(header, this.limits);
    const scope: AccessScope = {
      kind: 'service',
      service: command.service,
      organisation: header.organisation,
      groupId: header.groupId,
    };
    const actor = actorOf(scope);
    const objectId = objectIdFor(header);
    if (header.clientUploadId) {
      const earlier = await this.objects.findStoredRetry(
        header.organisation,
        header.groupId,
        objectId,
      );
      if (earlier) return toView(earlier);
    }
    const timings = new StageTimer();
    const patientKey = await this.patientKeys.obtain(header.organisation, header.nhsNumber);
    const intake = new Intake(this.limits);
    let sha256: Buffer | undefined;
    let signature: string | undefined;
    let slotTaken = false;
    let scan: ScanSession | undefined;
    const blobNames: string[] = [];
    try {
      await this.objects.reserveSlot(
        header.organisation,
        header.groupId,
        patientKey.id,
        objectId,
        this.limits.maxFilesPerGroup,
      );
      slotTaken = true;
      timings.lap('prepare');
      // The scanner reads along as the bytes arrive (never after a refusal).
      scan = this.scanner.start();
      for await (const chunk of command.chunks) {
        await intake.take(chunk);
        scan.write(chunk);
      }
      const received = intake.finish();
      timings.lap('receive');
      sha256 = createHash('sha256').update(received.bytes).digest();

      // The scan and the decoding run side by side (the scanner is another process); nothing
      // is stored unless the scanner said clean, whatever the decoder thought.
      const began = performance.now();
      const scanning = scan.finish().finally(() => {
        timings.laps.scanOnly = Math.round(performance.now() - began);
      });
      const processing = this.transform(received).finally(() => {
        timings.laps.processOnly = Math.round(performance.now() - began);
      });
      const [verdict, transformed] = await Promise.allSettled([scanning, processing]);
      if (verdict.status === 'rejected') {
        this.logger.error({ err: verdict.reason, objectId }, 'malware scan failed');
        throw new MediaError(
          MediaErrorCode.ScannerUnavailable,
          'The file could not be checked right now. Please try again in a few minutes.',
        );
      }
      if (!verdict.value.clean) {
        signature = verdict.value.signature;
        throw new MediaError(
          MediaErrorCode.Malware,
          'This file cannot be accepted because our security check found a problem with it.',
        );
      }
      if (transformed.status === 'rejected') throw transformed.reason;
      const { stored, mediaType, width, height, pageCount, thumbnail, quality } = transformed.value;
      const thumbnailBytes = thumbnail?.bytes;
      const thumbSize = { width: thumbnail?.width ?? 0, height: thumbnail?.height ?? 0 };
      const now = new Date();
      timings.lap('scan-and-process');
      const binding = { objectId, organisation: header.organisation, patientKeyId: patientKey.id };
      const content = seal(stored, patientKey.key, { ...binding, part: 'object' });
      const contentDoc: SealedPartDocument = {
        blobName: BlobStore.randomName(),
        iv: content.iv,
        wrappedKey: content.wrappedKey,
      };
      const puts = [this.blobs.put(contentDoc.blobName, content.ciphertext)];
      blobNames.push(contentDoc.blobName);
      let thumbnailDoc: ObjectDocument['thumbnail'] = null;
      if (thumbnailBytes) {
        const sealed = seal(thumbnailBytes, patientKey.key, { ...binding, part: 'thumbnail' });
        thumbnailDoc = {
          blobName: BlobStore.randomName(),
          iv: sealed.iv,
          wrappedKey: sealed.wrappedKey,
          ...thumbSize,
        };
        blobNames.push(thumbnailDoc.blobName);
        puts.push(this.blobs.put(thumbnailDoc.blobName, sealed.ciphertext));
      }
      timings.lap('encrypt');
      await Promise.all(puts);
      timings.lap('store-blobs');

      const doc: ObjectDocument = {
        _id: objectId,
        organisation: header.organisation,
        groupId: header.groupId,
        patientKeyId: patientKey.id,
        keyGeneration: patientKey.generation,
        kind: received.type === 'application/pdf' ? 'pdf' : 'image',
        mediaType,
        originalMediaType: received.type,
        declaredType: header.declaredType.slice(0, 100),
        filename: safeFilename(
          header.filename,
          received.type === 'application/pdf' ? 'document.pdf' : 'photo',
        ),
        sizeBytes: stored.length,
        originalSizeBytes: received.bytes.length,
        originalSha256: sha256,
        storedSha256: createHash('sha256').update(stored).digest(),
        width,
        height,
        pageCount,
        content: contentDoc,
        thumbnail: thumbnailDoc,
        quality,
        clientUploadId: header.clientUploadId || null,
        createdAt: now,
        createdBy: `${actor.kind}:${actor.id}`,
        deleted: null,
        erased: null,
        lastAccessedAt: null,
      };
      const view = toView(doc);
      if (!(await this.objects.create(doc, [this.events.stored(view, header.nhsNumber, actor)]))) {
        // A concurrent retry of the same upload won: answer with its object, drop our blobs.
        await Promise.all(blobNames.map((name) => this.blobs.delete(name).catch(() => false)));
        slotTaken = false;
        const earlier = await this.objects.findStoredRetry(
          header.organisation,
          header.groupId,
          objectId,
        );
        if (!earlier) throw new Error('duplicate object id without a stored object');
        return toView(earlier);
      }
      timings.lap('store-metadata');
      this.logger.info(
        { objectId, kind: doc.kind, bytes: doc.originalSizeBytes, ms: timings.laps },
        'object stored',
      );
      return view;
    } catch (error) {
      scan?.abort();
      await Promise.all(blobNames.map((name) => this.blobs.delete(name).catch(() => false)));
      if (slotTaken) {
        await this.objects
          .releaseSlot(header.organisation, header.groupId, objectId)
          .catch((e: unknown) => this.logger.warn({ err: e, objectId }, 'could not release slot'));
      }
      if (error instanceof MediaError && isRejection(error.code)) {
        await this.objects
          .recordRejection(
            {
              _id: objectId,
              organisation: header.organisation,
              groupId: header.groupId,
              code: error.code,
              detectedType: intake.detected,
              bytesReceived: intake.size,
              createdAt: new Date(),
            },
            this.events.rejected(
              {
                attemptId: objectId,
                organisation: header.organisation,
                groupId: header.groupId,
                code: error.code,
                detectedType: intake.detected,
                bytesReceived: intake.size,
                sha256,
                signature,
              },
              header.nhsNumber,
              actor,
            ),
          )
          .catch((e: unknown) =>
            this.logger.error({ err: e, objectId }, 'could not record rejection'),
          );
        this.logger.info(
          {
            attemptId: objectId,
            code: error.code,
            detectedType: intake.detected,
            bytes: intake.size,
            signature,
          },
          'upload rejected',
        );
      }
      throw error;
    }
  }

  /** Re-encodes an image (with thumbnail and quality) or checks a PDF (stored as sent). */
  private async transform(received: Received): Promise<Transformed> {
    if (received.type === 'application/pdf') {
      const { pageCount } = await inspectPdf(received.bytes);
      return {
        stored: received.bytes,
        mediaType: 'application/pdf',
        width: 0,
        height: 0,
        pageCount,
        thumbnail: undefined,
        quality: null,
      };
    }
    const image = await this.images.process(received.bytes, received.type);
    return {
      stored: image.bytes,
      mediaType: image.mediaType,
      width: image.width,
      height: image.height,
      pageCount: 0,
      thumbnail: {
        bytes: image.thumbnail,
        width: image.thumbnailWidth,
        height: image.thumbnailHeight,
      },
      quality: { ...image.quality, advice: [...image.quality.advice] },
    };
  }
}

const REJECTIONS = new Set<MediaErrorCode>([
  MediaErrorCode.TypeNotAllowed,
  MediaErrorCode.TooLarge,
  MediaErrorCode.TooManyPixels,
  MediaErrorCode.Damaged,
  MediaErrorCode.Empty,
  MediaErrorCode.Malware,
  MediaErrorCode.TooManyFiles,
  MediaErrorCode.PdfActiveContent,
]);

function isRejection(code: MediaErrorCode): boolean {
  return REJECTIONS.has(code);
}

/** Milliseconds per intake stage, for the "object stored" log line. */
class StageTimer {
  readonly laps: Record<string, number> = {};
  private last = performance.now();

  lap(stage: string): void {
    const now = performance.now();
    this.laps[stage] = Math.round(now - this.last);
    this.last = now;
  }
}
