// Generated test files: photos (with GPS), polyglots, bombs, PDFs. Nothing is read from disk.
import { deflateSync, crc32 } from 'node:zlib';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import sharp from 'sharp';

/** A detailed photo-like image (noise over gradients), JPEG, with GPS and camera EXIF. */
export async function photoWithGps(width = 1200, height = 900): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let i = 0; i < pixels.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const x = (i / 3) % width;
    pixels[i] = (x / width) * 160 + (seed % 60);
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .withExif({
      IFD0: { Make: 'CairnTestCam', Model: 'Model 1' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '51/1 30/1 0/1',
        GPSLongitudeRef: 'W',
        GPSLongitude: '0/1 7/1 0/1',
      },
    })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A valid JPEG carrying an HTML/script payload in a comment segment and after its end. */
export async function jpegHtmlPolyglot(): Promise<Buffer> {
  const jpeg = await sharp({
    create: { width: 64, height: 64, channels: 3, background: '#884422' },
  })
    .jpeg()
    .toBuffer();
  const html = Buffer.from('<html><script>alert(document.cookie)</script></html>');
  const comment = Buffer.concat([
    Buffer.from([0xff, 0xfe]),
    Buffer.from([0, html.length + 2]),
    html,
  ]);
  return Buffer.concat([jpeg.subarray(0, 2), comment, jpeg.subarray(2), html]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A tiny PNG file whose header claims `size`×`size` pixels (a decompression bomb's header). */
export function pngBombHeader(size = 30_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(size * 3 + 1))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export async function plainPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText('Discharge letter (synthetic)');
  return Buffer.from(await doc.save());
}

export async function pdfWithJavaScript(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage();
  const action = doc.context.obj({
    Type: 'Action',
    S: 'JavaScript',
    JS: PDFString.of('app.alert(1)'),
  });
  doc.catalog.set(PDFName.of('OpenAction'), doc.context.register(action));
  // Object streams: the word "JavaScript" is compressed, so only a real parse can find it.
  return Buffer.from(await doc.save({ useObjectStreams: true }));
}
