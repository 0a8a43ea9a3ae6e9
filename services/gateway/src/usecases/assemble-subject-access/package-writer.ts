// Where a subject access package goes: one file after another, each hashed (SHA-256) while it
// passes through, never held whole. ZipPackageWriter streams a ZIP (archiver) to any writable
// (the HTTP response); tests use an in-memory writer.
import { createHash } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import archiver from 'archiver';

export interface WrittenFile {
  readonly path: string;
  /** Hex SHA-256 of the file's bytes as written into the package. */
  readonly sha256: string;
  readonly bytes: number;
}

export interface PackageWriter {
  /**
   * Adds one file and resolves when all its bytes have gone into the package. A failing source
   * fails the whole package (the bytes already sent cannot be taken back).
   */
  addFile(path: string, source: Uint8Array | AsyncIterable<Uint8Array>): Promise<WrittenFile>;
  /** Ends the package; resolves when the last byte has been handed to the destination. */
  finish(): Promise<void>;
  /** Stops at once (a failure mid-way): the destination sees a truncated package. */
  abort(): void;
}

/** Hashes and counts the bytes of a source as they pass. */
export function hashing(source: Uint8Array | AsyncIterable<Uint8Array>): {
  readonly stream: AsyncIterable<Uint8Array>;
  result(): { sha256: string; bytes: number };
} {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* pass(): AsyncGenerator<Uint8Array> {
    if (source instanceof Uint8Array) {
      hash.update(source);
      bytes += source.byteLength;
      yield source;
      return;
    }
    for await (const chunk of source) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      yield chunk;
    }
  }
  return { stream: pass(), result: () => ({ sha256: hash.digest('hex'), bytes }) };
}

/**
 * A ZIP streamed to `destination`. Files are added one at a time: the next source is not opened
 * before the previous one has been written, so memory stays at a few chunks whatever the sizes.
 */
export class ZipPackageWriter implements PackageWriter {
  private readonly archive = archiver('zip', { zlib: { level: 6 } });
  private readonly done: Promise<void>;
  private failure: Error | null = null;

  constructor(
    destination: Writable,
    private readonly date: Date = new Date(),
  ) {
    this.done = pipeline(this.archive, destination).catch((error: unknown) => {
      this.failure ??= error instanceof Error ? error : new Error('the package stream failed');
      throw this.failure;
    });
    // Errors surface through `done`; keep unhandled-rejection noise away until someone awaits.
    this.done.catch(() => undefined);
  }

  async addFile(
    path: string,
    source: Uint8Array | AsyncIterable<Uint8Array>,
  ): Promise<WrittenFile> {
    if (this.failure) throw this.failure;
    const hashed = hashing(source);
    const input = Readable.from(hashed.stream, { objectMode: false });
    const written = new Promise<void>((resolve, reject) => {
      const onEntry = () => {
        cleanup();
        resolve();
      };
      const onError = (error: unknown) => {
        cleanup();
        reject(error instanceof Error ? error : new Error('the package stream failed'));
      };
      const cleanup = () => {
        this.archive.off('entry', onEntry);
        this.archive.off('error', onError);
        input.off('error', onError);
      };
      this.archive.on('entry', onEntry);
      this.archive.on('error', onError);
      input.on('error', onError);
      // A destination that fails (the browser went away) must not leave us waiting for ever.
      this.done.catch(onError);
    });
    this.archive.append(input, { name: path, date: this.date });
    try {
      await written;
    } catch (error) {
      this.failure ??= error as Error;
      this.abort();
      throw this.failure;
    }
    return { path, ...hashed.result() };
  }

  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    await this.archive.finalize();
    await this.done;
  }

  abort(): void {
    this.failure ??= new Error('the package was stopped');
    this.archive.abort();
  }
}
