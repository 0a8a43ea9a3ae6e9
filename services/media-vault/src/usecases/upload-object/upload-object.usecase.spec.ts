import { MediaErrorCode } from '../../domain/media-error';
import { validateHeader, type UploadHeaderInput } from './upload-object.usecase';

const limits = { maxFileBytes: 20_000_000, maxFilesPerGroup: 5, maxPixels: 50_000_000 };
const header: UploadHeaderInput = {
  organisation: 'A81001',
  nhsNumber: '9990000018',
  groupId: 'response-1',
  filename: 'photo.jpg',
  declaredType: 'image/jpeg',
  declaredSize: 0,
};

function codeOf(h: UploadHeaderInput): string | undefined {
  try {
    validateHeader(h, limits);
    return undefined;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('upload header', () => {
  it('accepts a well-formed header', () => {
    expect(codeOf(header)).toBeUndefined();
  });

  it.each([
    ['a lower-case ODS code', { organisation: 'a81001' }],
    ['an NHS number with a wrong check digit', { nhsNumber: '9990000019' }],
    ['a formatted NHS number', { nhsNumber: '999 000 0018' }],
    ['an empty group id', { groupId: '' }],
    ['a group id with a path in it', { groupId: '../x' }],
  ])('refuses %s', (_, change) => {
    expect(codeOf({ ...header, ...change })).toBe(MediaErrorCode.InvalidRequest);
  });

  it('refuses a declared size over the limit before any bytes', () => {
    expect(codeOf({ ...header, declaredSize: 20_000_001 })).toBe(MediaErrorCode.TooLarge);
  });
});
