import { sniffContentType } from './content-type';

const pad = (bytes: number[] | string) =>
  Buffer.concat([
    typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes),
    Buffer.alloc(64),
  ]);

describe('type by content', () => {
  it.each([
    ['image/jpeg', pad([0xff, 0xd8, 0xff, 0xe0])],
    ['image/png', pad([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['image/webp', pad('RIFF\x10\x00\x00\x00WEBPVP8 ')],
    ['image/heic', pad('\x00\x00\x00\x18ftypheic')],
    ['application/pdf', pad('%PDF-1.7\n')],
  ])('accepts %s', (type, bytes) => {
    expect(sniffContentType(bytes, true)).toEqual({ accepted: true, type });
  });

  it.each([
    ['image/svg+xml', pad('<svg xmlns="http://www.w3.org/2000/svg">')],
    ['text/html', pad('<html><script>alert(1)</script>')],
    ['text/x-script', pad('#!/bin/sh\nrm -rf /')],
    ['application/zip', pad('PK\x03\x04')],
    ['image/gif', pad('GIF89a')],
    ['application/octet-stream', pad('alert(document.cookie)')],
  ])('refuses %s whatever its name says', (detected, bytes) => {
    expect(sniffContentType(bytes, true)).toEqual({ accepted: false, detected });
  });

  it('waits for more bytes before deciding, unless the file is complete', () => {
    expect(sniffContentType(Buffer.from([0xff]), false)).toEqual({ accepted: 'need-more' });
    expect(sniffContentType(Buffer.from([0xff]), true).accepted).toBe(false);
  });
});
