import sharp from 'sharp';
import { assessGrey, greyCopy } from './photo-quality';

// A detailed scene: a checkerboard with fine noise, the kind of texture a skin photo has.
async function scene(width = 1600, height = 1200): Promise<Buffer> {
  const channels = 3;
  const pixels = Buffer.alloc(width * height * channels);
  let seed = 42;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const base = ((x >> 4) + (y >> 4)) % 2 === 0 ? 70 : 180;
      const v = base + (seed % 40) - 20;
      const i = (y * width + x) * channels;
      pixels[i] = v;
      pixels[i + 1] = v;
      pixels[i + 2] = v;
    }
  }
  return sharp(pixels, { raw: { width, height, channels } }).jpeg({ quality: 90 }).toBuffer();
}

async function assess(image: sharp.Sharp) {
  const bytes = await image.toBuffer();
  const meta = await sharp(bytes).metadata();
  return assessGrey(await greyCopy(sharp(bytes)), (meta.width ?? 0) * (meta.height ?? 0));
}

describe('photo quality', () => {
  let sharpPhoto: Buffer;
  beforeAll(async () => {
    sharpPhoto = await scene();
  });

  it('finds a detailed, well-lit photo good, with no advice', async () => {
    const q = await assess(sharp(sharpPhoto));
    expect(q.verdict).toBe('good');
    expect(q.advice).toEqual([]);
    expect(q.sharpEnough).toBe(true);
  });

  it('says a blurred photo is blurred and suggests a retake', async () => {
    const q = await assess(sharp(await sharp(sharpPhoto).blur(12).toBuffer()));
    expect(q.verdict).toBe('poor');
    expect(q.sharpEnough).toBe(false);
    expect(q.advice.join(' ')).toMatch(/blurred/);
  });

  it('says a dark photo is too dark', async () => {
    const q = await assess(sharp(await sharp(sharpPhoto).linear(0.12, 0).toBuffer()));
    expect(q.wellExposed).toBe(false);
    expect(q.advice.join(' ')).toMatch(/too dark/);
  });

  it('says an over-exposed photo is too bright', async () => {
    const q = await assess(sharp(await sharp(sharpPhoto).linear(1, 200).toBuffer()));
    expect(q.wellExposed).toBe(false);
    expect(q.advice.join(' ')).toMatch(/too bright/);
  });

  it('says a tiny photo has too little detail', async () => {
    const q = await assess(sharp(await sharp(sharpPhoto).resize(400, 300).toBuffer()));
    expect(q.highEnoughResolution).toBe(false);
    expect(q.advice.join(' ')).toMatch(/very small/);
  });
});
