// Photo-quality assessment for the patient page, before they submit: is the photo sharp, well
// exposed and detailed enough for a clinician? Measured on a downscaled greyscale copy (sharp
// gives the raw pixels), so the figures do not depend on the camera's resolution.
//
// - Sharpness: variance of the Laplacian (3×3, 4-neighbour) over the copy whose longest side is
//   ANALYSIS_SIZE px — the classic focus measure (Pech-Pacheco et al. 2000). Blur and motion
//   remove the high frequencies the Laplacian responds to. Below BLUR_THRESHOLD: blurred;
//   below SOFT_THRESHOLD: a little soft.
// - Exposure: mean brightness 0..1, and the fractions of pixels crushed to black (≤ 8/255) or
//   blown to white (≥ 247/255). Too dark: mean < 0.22 or > 45% crushed; too bright: mean > 0.85
//   or > 35% blown.
// - Resolution: megapixels of the original; below 0.3 MP (e.g. 640×480) a clinician sees too
//   little detail; below 1 MP we suggest the rear camera.
// Thresholds were set on generated test images (sharp vs blurred vs dark vs bright) and on
// typical phone photos; they are deliberately lenient: advice, never a refusal.
import sharp from 'sharp';

export const ANALYSIS_SIZE = 512;
export const BLUR_THRESHOLD = 60;
export const SOFT_THRESHOLD = 150;
export const DARK_MEAN = 0.22;
export const BRIGHT_MEAN = 0.85;
export const DARK_CLIPPED = 0.45;
export const BRIGHT_CLIPPED = 0.35;
export const MIN_MEGAPIXELS = 0.3;
export const GOOD_MEGAPIXELS = 1;

export type Verdict = 'good' | 'fair' | 'poor';

export interface PhotoQuality {
  readonly verdict: Verdict;
  readonly sharpness: number;
  readonly exposure: number;
  readonly darkClipped: number;
  readonly brightClipped: number;
  readonly resolutionMegapixels: number;
  readonly sharpEnough: boolean;
  readonly wellExposed: boolean;
  readonly highEnoughResolution: boolean;
  readonly advice: readonly string[];
}

export interface GreyImage {
  readonly width: number;
  readonly height: number;
  /** One byte per pixel, row-major. */
  readonly pixels: Uint8Array;
}

/** Variance of the 4-neighbour Laplacian over the interior pixels. */
export function laplacianVariance({ width, height, pixels }: GreyImage): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const v =
        pixels[i - width]! + pixels[i + width]! + pixels[i - 1]! + pixels[i + 1]! - 4 * pixels[i]!;
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

export function exposureOf({ pixels }: GreyImage): {
  mean: number;
  dark: number;
  bright: number;
} {
  let total = 0;
  let dark = 0;
  let bright = 0;
  for (const p of pixels) {
    total += p;
    if (p <= 8) dark++;
    else if (p >= 247) bright++;
  }
  const n = Math.max(1, pixels.length);
  return { mean: total / n / 255, dark: dark / n, bright: bright / n };
}

export function assessGrey(grey: GreyImage, originalPixels: number): PhotoQuality {
  const sharpness = laplacianVariance(grey);
  const { mean, dark, bright } = exposureOf(grey);
  const megapixels = originalPixels / 1_000_000;
  const advice: string[] = [];

  const blurred = sharpness < BLUR_THRESHOLD;
  const soft = !blurred && sharpness < SOFT_THRESHOLD;
  const tooDark = mean < DARK_MEAN || dark > DARK_CLIPPED;
  const tooBright = !tooDark && (mean > BRIGHT_MEAN || bright > BRIGHT_CLIPPED);
  const tooSmall = megapixels < MIN_MEGAPIXELS;
  const small = !tooSmall && megapixels < GOOD_MEGAPIXELS;

  if (blurred) {
    advice.push(
      'This photo looks blurred. Hold your phone still, tap the screen to focus, and take it again in good light.',
    );
  } else if (soft) {
    advice.push(
      'This photo is a little out of focus. If you can, tap the screen to focus and take it again.',
    );
  }
  if (tooDark) {
    advice.push(
      'This photo is too dark. Take it again somewhere brighter, such as near a window in daylight.',
    );
  } else if (tooBright) {
    advice.push(
      'This photo is too bright, so some detail is lost. Move out of direct sunlight or turn off the flash and take it again.',
    );
  }
  if (tooSmall) {
    advice.push(
      'This photo is very small, so your clinician may not see enough detail. Use your phone’s main camera and move closer.',
    );
  } else if (small) {
    advice.push('This photo is quite small. If you can, use your phone’s main (rear) camera.');
  }

  const verdict: Verdict =
    blurred || tooDark || tooBright || tooSmall ? 'poor' : soft || small ? 'fair' : 'good';
  return {
    verdict,
    sharpness: Math.round(sharpness * 10) / 10,
    exposure: Math.round(mean * 1000) / 1000,
    darkClipped: Math.round(dark * 1000) / 1000,
    brightClipped: Math.round(bright * 1000) / 1000,
    resolutionMegapixels: Math.round(megapixels * 100) / 100,
    sharpEnough: !blurred,
    wellExposed: !tooDark && !tooBright,
    highEnoughResolution: !tooSmall,
    advice,
  };
}

/**
 * The greyscale analysis copy of an image (pass a fresh pipeline: a clone of one that already
 * resizes would decode at full size instead of using JPEG shrink-on-load).
 */
export async function greyCopy(image: sharp.Sharp): Promise<GreyImage> {
  const { data, info } = await image
    .resize({
      width: ANALYSIS_SIZE,
      height: ANALYSIS_SIZE,
      fit: 'inside',
      withoutEnlargement: true,
    })
    .flatten({ background: '#ffffff' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels === 1) return { width: info.width, height: info.height, pixels: data };
  const pixels = new Uint8Array(info.width * info.height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data[i * info.channels]!;
  return { width: info.width, height: info.height, pixels };
}
