// Images on intake (OWASP: "rewrite the file" — content disarm by re-encoding): sharp decodes
// the image, turns it upright (EXIF orientation), caps its dimensions and encodes it afresh.
// sharp writes no EXIF, XMP, IPTC or ICC data unless asked (`keepMetadata`), so GPS and camera
// details never reach storage, and anything hidden after or inside the image (an HTML or script
// payload of a polyglot, a trailing archive) does not survive. The pixel limit is enforced by
// libvips from the header before it decodes (`limitInputPixels`), which stops decompression bombs.
import sharp from 'sharp';
import { MediaError, MediaErrorCode } from '../domain/media-error';
import type { AcceptedType } from './content-type';
import { ANALYSIS_SIZE, assessGrey, greyCopy, type PhotoQuality } from './photo-quality';

export interface ImageLimits {
  readonly maxPixels: number;
  readonly maxDimension: number;
  readonly thumbnailSize: number;
}

export interface ProcessedImage {
  readonly mediaType: 'image/jpeg' | 'image/png' | 'image/webp';
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
  readonly thumbnail: Buffer;
  readonly thumbnailWidth: number;
  readonly thumbnailHeight: number;
  readonly quality: PhotoQuality;
}

// Lossless formats stay lossless; JPEG and HEIC (which browsers cannot show) become JPEG.
const OUTPUT: Record<Exclude<AcceptedType, 'application/pdf'>, ProcessedImage['mediaType']> = {
  'image/jpeg': 'image/jpeg',
  'image/heic': 'image/jpeg',
  'image/png': 'image/png',
  'image/webp': 'image/webp',
};

const SHARP_FORMAT: Record<string, Exclude<AcceptedType, 'application/pdf'>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heif: 'image/heic',
};

const tooManyPixels = () =>
  new MediaError(
    MediaErrorCode.TooManyPixels,
    'This image is too large in width and height. Please send a smaller photo.',
  );

const damaged = () =>
  new MediaError(
    MediaErrorCode.Damaged,
    'This image could not be opened. It may be damaged or incomplete. Please take or choose it again.',
  );

/**
 * Reads only the header: the dimensions, to refuse a decompression bomb before any pixel is
 * decoded (also used on the first bytes of an upload, while the rest is still arriving).
 * Returns undefined when the header is not complete yet.
 */
export async function headerPixels(bytes: Uint8Array): Promise<number | undefined> {
  try {
    const meta = await sharp(bytes, { limitInputPixels: false, failOn: 'none' }).metadata();
    if (!meta.width || !meta.height) return undefined;
    return meta.width * meta.height;
  } catch {
    return undefined;
  }
}

export class ImageProcessor {
  constructor(private readonly limits: ImageLimits) {}

  async process(
    bytes: Buffer,
    sniffed: Exclude<AcceptedType, 'application/pdf'>,
  ): Promise<ProcessedImage> {
    const input = () =>
      sharp(bytes, {
        limitInputPixels: this.limits.maxPixels,
        // Truncated or corrupt data is an error, not a grey half-image.
        failOn: 'truncated',
        sequentialRead: true,
        autoOrient: true,
      });
    let meta: sharp.Metadata;
    try {
      meta = await input().metadata();
    } catch (error) {
      throw this.classify(error, sniffed);
    }
    if (!meta.width || !meta.height) throw damaged();
    if (meta.width * meta.height > this.limits.maxPixels) throw tooManyPixels();
    // The container must agree with the signature we sniffed (a PNG header on JPEG data is damage).
    const format = meta.format ? SHARP_FORMAT[meta.format] : undefined;
    if (format !== sniffed) throw this.classify(new Error('format mismatch'), sniffed);
    if ((meta.pages ?? 1) > 1 && sniffed !== 'image/heic') {
      // Animated WebP/PNG: refuse rather than keep one frame silently.
      throw new MediaError(
        MediaErrorCode.TypeNotAllowed,
        'Animated images are not accepted. The file must be a photo (JPEG, PNG, WebP or HEIC) or a PDF document.',
      );
    }
    const mediaType = OUTPUT[sniffed];
    const max = this.limits.maxDimension;
    try {
      // Three fresh pipelines rather than clones of one: each then decodes only what it needs
      // (JPEG and WebP shrink-on-load makes the thumbnail and the analysis copy cheap).
      const encoded = encode(
        input().resize({ width: max, height: max, fit: 'inside', withoutEnlargement: true }),
        mediaType,
      );
      // One small decode (JPEG/WebP shrink-on-load) feeds both the thumbnail and the quality
      // analysis; the full-size decode is only for the stored image.
      const small = input()
        .resize({
          width: ANALYSIS_SIZE,
          height: ANALYSIS_SIZE,
          fit: 'inside',
          withoutEnlargement: true,
        })
        .flatten({ background: '#ffffff' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const [out, preview] = await Promise.all([
        encoded.toBuffer({ resolveWithObject: true }),
        small,
      ]);
      const raw = {
        raw: {
          width: preview.info.width,
          height: preview.info.height,
          channels: preview.info.channels,
        },
      };
      const [thumbnail, grey] = await Promise.all([
        sharp(preview.data, raw)
          .resize({
            width: this.limits.thumbnailSize,
            height: this.limits.thumbnailSize,
            fit: 'inside',
            withoutEnlargement: true,
          })
          .jpeg({ quality: 75, mozjpeg: false })
          .toBuffer({ resolveWithObject: true }),
        greyCopy(sharp(preview.data, raw)),
      ]);
      return {
        mediaType,
        bytes: out.data,
        width: out.info.width,
        height: out.info.height,
        thumbnail: thumbnail.data,
        thumbnailWidth: thumbnail.info.width,
        thumbnailHeight: thumbnail.info.height,
        quality: assessGrey(grey, meta.autoOrient.width * meta.autoOrient.height),
      };
    } catch (error) {
      throw this.classify(error, sniffed);
    }
  }

  private classify(error: unknown, sniffed: AcceptedType): Error {
    if (error instanceof MediaError) return error;
    const message = error instanceof Error ? error.message : '';
    if (/pixel limit/i.test(message)) return tooManyPixels();
    if (sniffed === 'image/heic') {
      // Prebuilt libvips decodes AVIF-coded HEIF only, not the HEVC most phones write.
      return new MediaError(
        MediaErrorCode.TypeNotAllowed,
        'This HEIC photo cannot be opened. Please send it as a JPEG: on an iPhone, choose Settings, Camera, Formats, Most Compatible, and take it again.',
      );
    }
    return damaged();
  }
}

function encode(image: sharp.Sharp, mediaType: ProcessedImage['mediaType']): sharp.Sharp {
  switch (mediaType) {
    case 'image/jpeg':
      // Alpha (a HEIC with transparency) has no meaning in JPEG: flatten onto white.
      return image.flatten({ background: '#ffffff' }).jpeg({ quality: 85, mozjpeg: false });
    case 'image/png':
      return image.png({ compressionLevel: 6 });
    case 'image/webp':
      return image.webp({ quality: 85 });
  }
}
