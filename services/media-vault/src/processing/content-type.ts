// Type by content (OWASP File Upload Cheat Sheet: "validate the file type, don't trust the
// Content-Type header"). An allow-list of five signatures read from the first bytes, so a
// refused type is known before the rest of the file arrives; the decoders (sharp, pdf-lib) then
// parse the whole file, which is what really proves the type.
export type AcceptedType =
  'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic' | 'application/pdf';

export type Sniffed =
  | { readonly accepted: true; readonly type: AcceptedType }
  | { readonly accepted: false; readonly detected: string }
  | { readonly accepted: 'need-more' };

/** Bytes needed to decide (the ISO-BMFF brand sits at 8..12, PDF may lead with a little junk). */
export const SNIFF_BYTES = 32;

const HEIF_BRANDS = new Set([
  'heic',
  'heix',
  'heim',
  'heis',
  'hevc',
  'hevx',
  'mif1',
  'msf1',
  'avif',
]);

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.subarray(start, end)).toString('latin1');
}

/** What the first bytes of a refused file look like, for the rejection event (never shown raw). */
function describeRefused(head: Uint8Array): string {
  const text = ascii(head, 0, Math.min(head.length, SNIFF_BYTES)).trimStart().toLowerCase();
  if (head[0] === 0x50 && head[1] === 0x4b) return 'application/zip';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'application/gzip';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'image/gif';
  if (head[0] === 0x42 && head[1] === 0x4d) return 'image/bmp';
  if (ascii(head, 0, 4) === 'II*\0' || ascii(head, 0, 4) === 'MM\0*') return 'image/tiff';
  if (head[0] === 0x7f && ascii(head, 1, 4) === 'ELF') return 'application/x-elf';
  if (head[0] === 0x4d && head[1] === 0x5a) return 'application/x-msdownload';
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('svg'))) {
    return 'image/svg+xml';
  }
  if (text.startsWith('<?xml')) return 'application/xml';
  if (text.startsWith('<')) return 'text/html';
  if (text.startsWith('#!')) return 'text/x-script';
  return 'application/octet-stream';
}

export function sniffContentType(head: Uint8Array, complete: boolean): Sniffed {
  if (head.length < SNIFF_BYTES && !complete) return { accepted: 'need-more' };
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
    return { accepted: true, type: 'image/jpeg' };
  }
  if (
    head.length >= 8 &&
    Buffer.from(head.subarray(0, 8)).equals(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    )
  ) {
    return { accepted: true, type: 'image/png' };
  }
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') {
    return { accepted: true, type: 'image/webp' };
  }
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp' && HEIF_BRANDS.has(ascii(head, 8, 12))) {
    return { accepted: true, type: 'image/heic' };
  }
  // PDF readers accept the header anywhere in the first 1024 bytes; we accept only the
  // strict form at offset 0, so a file cannot be both something else and a PDF.
  if (head.length >= 5 && ascii(head, 0, 5) === '%PDF-') {
    return { accepted: true, type: 'application/pdf' };
  }
  return { accepted: false, detected: describeRefused(head) };
}
