// PDFs on intake: they must parse (pdf-lib, which also opens compressed object streams), must
// not be encrypted, and must carry no active or hidden content — JavaScript, launch or submit
// actions, embedded files, rich media, XFA forms. Every object is walked, not only the catalog:
// an action can hang off any page, annotation or form field. PDFs are stored as sent (we do not
// rewrite them) and always served as attachments, never inline.
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFRawStream,
  PDFStream,
  type PDFObject,
} from 'pdf-lib';
import { MediaError, MediaErrorCode } from '../domain/media-error';

const FORBIDDEN_KEYS = new Set([
  'JS',
  'JavaScript',
  'EmbeddedFile',
  'EmbeddedFiles',
  'EF',
  'Launch',
  'RichMedia',
  'RichMediaContent',
  'XFA',
]);

const FORBIDDEN_ACTIONS = new Set([
  'JavaScript',
  'Launch',
  'ImportData',
  'SubmitForm',
  'RichMediaExecute',
  'GoToE',
]);

export interface InspectedPdf {
  readonly pageCount: number;
}

const activeContent = () =>
  new MediaError(
    MediaErrorCode.PdfActiveContent,
    'This PDF contains scripts or attached files, which are not accepted. Please save it as a plain PDF (for example, "Print to PDF") and send it again.',
  );

function nameOf(object: PDFObject | undefined): string | undefined {
  return object instanceof PDFName ? object.decodeText() : undefined;
}

function findActive(object: PDFObject, seen: Set<PDFObject>): string | undefined {
  if (seen.has(object)) return undefined;
  seen.add(object);
  const dict =
    object instanceof PDFDict
      ? object
      : object instanceof PDFStream || object instanceof PDFRawStream
        ? object.dict
        : undefined;
  if (dict) {
    for (const [key, value] of dict.entries()) {
      const name = key.decodeText();
      if (FORBIDDEN_KEYS.has(name)) return name;
      if (name === 'S' && FORBIDDEN_ACTIONS.has(nameOf(value) ?? '')) return nameOf(value);
      if (name === 'Type' && nameOf(value) === 'EmbeddedFile') return 'EmbeddedFile';
      const found = findActive(value, seen);
      if (found) return found;
    }
  } else if (object instanceof PDFArray) {
    for (const item of object.asArray()) {
      const found = findActive(item, seen);
      if (found) return found;
    }
  }
  return undefined;
}

export async function inspectPdf(bytes: Uint8Array): Promise<InspectedPdf> {
  let document: PDFDocument;
  try {
    document = await PDFDocument.load(bytes, {
      ignoreEncryption: false,
      throwOnInvalidObject: true,
      updateMetadata: false,
    });
  } catch (error) {
    const encrypted = error instanceof Error && /encrypt/i.test(error.message);
    throw new MediaError(
      MediaErrorCode.Damaged,
      encrypted
        ? 'This PDF is password-protected. Please send a copy without a password.'
        : 'This PDF could not be opened. It may be damaged or incomplete.',
    );
  }
  const seen = new Set<PDFObject>();
  for (const [, object] of document.context.enumerateIndirectObjects()) {
    if (findActive(object, seen)) throw activeContent();
  }
  const root = document.context.trailerInfo.Root;
  if (root && findActive(root, seen)) throw activeContent();
  const pageCount = document.getPageCount();
  if (pageCount === 0) {
    throw new MediaError(MediaErrorCode.Damaged, 'This PDF has no pages.');
  }
  return { pageCount };
}
