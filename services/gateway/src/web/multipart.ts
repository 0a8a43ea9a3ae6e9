// One file from a multipart form, streamed: busboy parses the request as it arrives and the file
// part is handed on as an async iterable of chunks, never held whole in memory. The CSRF field
// must come before the file (the form puts it first); a file before a valid token is refused
// without reading it.
import busboy from 'busboy';
import type { Request } from 'express';
import { GatewayError, GatewayErrorCode } from '../domain/gateway-error';

export interface MultipartFile {
  readonly filename: string;
  readonly mimeType: string;
  readonly body: AsyncIterable<Uint8Array>;
}

export interface MultipartOptions {
  readonly maxFileBytes: number;
  /** Called with the form fields seen before the file; throw to refuse the upload. */
  readonly beforeFile: (fields: Record<string, string>) => void;
  /** Consumes the file (with the fields that came before it) while the request streams in. */
  readonly onFile: (file: MultipartFile, fields: Record<string, string>) => Promise<void>;
}

/** Resolves once the request is fully read and `onFile` (if a file came) has finished. */
export function readSingleFile(req: Request, options: MultipartOptions): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 5, fieldSize: 1024, parts: 6, fileSize: options.maxFileBytes },
      });
    } catch {
      reject(new GatewayError(GatewayErrorCode.InvalidRequest, 'Expected a form with a file'));
      return;
    }
    const fields: Record<string, string> = {};
    let work: Promise<void> | undefined;
    let failure: unknown;
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_name, stream, info) => {
      if (work || failure) {
        stream.resume();
        return;
      }
      try {
        options.beforeFile(fields);
      } catch (error) {
        failure = error;
        stream.resume();
        return;
      }
      if (!info.filename) {
        stream.resume();
        return;
      }
      const body = (async function* () {
        for await (const chunk of stream) yield chunk as Uint8Array;
        if ((stream as { truncated?: boolean }).truncated) {
          throw new GatewayError(
            GatewayErrorCode.FileTooLarge,
            `The photo must be ${Math.floor(options.maxFileBytes / 1024 / 1024)}MB or smaller`,
          );
        }
      })();
      work = options
        .onFile({ filename: info.filename, mimeType: info.mimeType, body }, { ...fields })
        .catch((error: unknown) => {
          failure = error;
          stream.resume();
        });
    });
    parser.on('error', (error) => {
      failure ??= new GatewayError(GatewayErrorCode.InvalidRequest, 'The upload was not complete');
      void error;
      req.unpipe(parser);
      req.resume();
      reject(failure);
    });
    parser.on('close', () => {
      void (work ?? Promise.resolve()).then(() => {
        if (failure) reject(failure);
        else resolve(work !== undefined);
      });
    });
    req.pipe(parser);
  });
}
