// End-to-end upload throughput of the media vault beside raw sharp re-encoding of the same
// images, in the same run on the same machine. A corpus of synthetic 12-megapixel photos
// (4000×3000 JPEG, textured so they compress like camera photos) is generated first; then
//   raw:      sharp decode → auto-orient → cap at 4096 px → JPEG q85 (what intake's re-encode does)
//   pipeline: gRPC client-streaming upload → checks → clamd scan → re-encode + thumbnail +
//             quality → AES-256-GCM → Azurite → FerretDB (+ outbox event)
// Both run BENCH_CONCURRENCY (default 2) at a time. Figures are printed, not asserted.
// Variables: BENCH_PHOTOS (default 16), BENCH_CONCURRENCY (2), BENCH_SCAN (clamd | off),
// BENCH_CLAMD_IMAGE_FUZZY_HASH (yes | no, default no), BENCH_LOG_LEVEL (error; info shows stage times).
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { up } from '@cairn/infra';
import { startTestClamd, type TestClamd } from '../test/support/clamd';
import { startVaultHarness } from '../test/support/vault-harness';

const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 16);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const SCAN = process.env.BENCH_SCAN ?? 'clamd';
// ClamAV's image fuzzy hashing (on by default in clamd, off in our recommended configuration).
const FUZZY = process.env.BENCH_CLAMD_IMAGE_FUZZY_HASH === 'yes';

async function syntheticPhoto(i: number): Promise<Buffer> {
  // Coarse noise scaled up gives smooth, photo-like texture; fine noise on top gives detail.
  const coarse = randomBytes(500 * 375 * 3);
  const base = await sharp(coarse, { raw: { width: 500, height: 375, channels: 3 } })
    .resize(4000, 3000, { kernel: 'cubic' })
    .modulate({ brightness: 0.9 + (i % 5) * 0.05 })
    .raw()
    .toBuffer();
  const fine = randomBytes(base.length);
  for (let p = 0; p < base.length; p++) base[p] = Math.min(255, base[p]! * 0.92 + (fine[p]! & 31));
  return sharp(base, { raw: { width: 4000, height: 3000, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

class PeakMemory {
  peak = 0;
  private timer?: NodeJS.Timeout;
  start(): void {
    this.peak = process.memoryUsage().rss;
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage().rss);
    }, 20);
  }
  stop(): number {
    clearInterval(this.timer);
    return Math.max(this.peak, process.memoryUsage().rss);
  }
}

interface Run {
  readonly ms: number;
  readonly latencies: number[];
  readonly peakRss: number;
}

async function run(
  items: readonly Buffer[],
  work: (b: Buffer, i: number) => Promise<unknown>,
): Promise<Run> {
  const memory = new PeakMemory();
  memory.start();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < items.length; i = next++) {
        const t0 = performance.now();
        await work(items[i]!, i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const ms = performance.now() - started;
  return { ms, latencies, peakRss: memory.stop() };
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

function report(name: string, r: Run, bytes: number): { photosPerSecond: number } {
  const photosPerSecond = (r.latencies.length / r.ms) * 1000;
  const mbPerSecond = (bytes / 1_000_000 / r.ms) * 1000;
  console.log(
    `${name.padEnd(9)} ${photosPerSecond.toFixed(2)} photos/s  ${mbPerSecond.toFixed(1)} MB/s  ` +
      `p95 ${p95(r.latencies).toFixed(0)} ms  peak RSS ${(r.peakRss / 1_048_576).toFixed(0)} MiB`,
  );
  return { photosPerSecond };
}

async function main(): Promise<void> {
  const e = await up({ say: () => undefined });
  process.env.CAIRN_TEST_KAFKA_BROKERS = e.kafkaBrokers.join(',');
  process.env.CAIRN_TEST_MONGO_URL = e.mongoUrl;
  process.env.CAIRN_TEST_AZURITE_CONNECTION_STRING = e.azuriteConnectionString;

  console.log(`generating ${PHOTOS} synthetic 12-megapixel photos…`);
  const photos: Buffer[] = [];
  for (let i = 0; i < PHOTOS; i++) photos.push(await syntheticPhoto(i));
  const bytes = photos.reduce((n, p) => n + p.length, 0);
  console.log(
    `corpus: ${PHOTOS} × 4000×3000 JPEG, mean ${(bytes / PHOTOS / 1_000_000).toFixed(2)} MB; ` +
      `concurrency ${CONCURRENCY}; scanning ${SCAN}${SCAN === 'clamd' ? ` (image fuzzy hash ${FUZZY ? 'on' : 'off'})` : ''}; sharp threads ${sharp.concurrency()}`,
  );

  let clamd: TestClamd | undefined;
  if (SCAN === 'clamd') clamd = await startTestClamd({ imageFuzzyHash: FUZZY });
  const h = await startVaultHarness(
    SCAN === 'clamd'
      ? {
          MEDIA_SCAN_MODE: 'clamd',
          MEDIA_CLAMD_ADDRESS: clamd!.address,
          LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
        }
      : { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error' },
  );
  try {
    // Warm-up: first decode loads codecs; first upload creates the patient key and connections.
    await sharp(photos[0]!).jpeg().toBuffer();
    await h.upload(photos[0]!, { groupId: 'warm-up' });

    const raw = await run(photos, (photo) =>
      sharp(photo, { autoOrient: true, limitInputPixels: 50_000_000 })
        .resize({ width: 4096, height: 4096, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 85, mozjpeg: false })
        .toBuffer(),
    );
    // Five files per response: a new response every five photos.
    const pipeline = await run(photos, (photo, i) =>
      h.upload(
        photo,
        { groupId: `bench-${Math.floor(i / 5)}`, filename: `photo-${i}.jpg` },
        { chunkSize: 256 * 1024 },
      ),
    );
    const a = report('raw sharp', raw, bytes);
    const b = report('pipeline', pipeline, bytes);
    const ratio = b.photosPerSecond / a.photosPerSecond;
    console.log(`ratio pipeline/raw: ${(ratio * 100).toFixed(0)}% (aim ≥ 70%)`);
  } finally {
    await h.stop();
    await clamd?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
