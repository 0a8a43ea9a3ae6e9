// ClamAV through clamd's INSTREAM command (clamd(8)): "zINSTREAM\0", then chunks each prefixed
// with their length as a 4-byte big-endian integer, then a zero-length chunk; clamd answers
// "stream: OK", "stream: <signature> FOUND" or "<reason> ERROR", NUL-terminated. The protocol is
// small enough that a client library would add more than it saves. clamd refuses a stream
// larger than its StreamMaxLength (25 MB by default): configure it above MEDIA_MAX_FILE_BYTES.
import { connect, type Socket } from 'node:net';
import type { MalwareScanner, ScanSession, ScanVerdict } from './malware-scanner';

const CHUNK = 64 * 1024;

export type ClamdAddress =
  { readonly path: string } | { readonly host: string; readonly port: number };

/** `unix:/run/clamav/clamd.ctl` or `tcp://127.0.0.1:3310`. */
export function parseClamdAddress(raw: string): ClamdAddress {
  if (raw.startsWith('unix:')) return { path: raw.slice('unix:'.length) };
  const url = new URL(raw);
  if (url.protocol !== 'tcp:' || !url.port) {
    throw new Error('clamd address must be unix:<path> or tcp://<host>:<port>');
  }
  return { host: url.hostname, port: Number(url.port) };
}

export class ClamdError extends Error {
  override readonly name = 'ClamdError';
}

export class ClamdScanner implements MalwareScanner {
  readonly name = 'clamd';

  constructor(
    private readonly address: ClamdAddress,
    private readonly timeoutMs = 30_000,
  ) {}

  /**
   * A scan fed while the upload arrives: each chunk goes to clamd at once (INSTREAM frames), so
   * the verdict is ready soon after the last byte. Writes are not throttled: at most the file
   * limit is queued in the socket if clamd is slower than the client.
   */
  start(): ScanSession {
    const { socket, reply } = this.open();
    socket.write('zINSTREAM\0');
    let ended = false;
    return {
      write: (bytes) => {
        if (ended) return;
        for (let offset = 0; offset < bytes.length; offset += CHUNK) {
          const chunk = bytes.subarray(offset, Math.min(offset + CHUNK, bytes.length));
          const size = Buffer.alloc(4);
          size.writeUInt32BE(chunk.length);
          socket.write(size);
          socket.write(chunk);
        }
      },
      finish: async () => {
        ended = true;
        socket.write(Buffer.alloc(4));
        return parseReply(await reply);
      },
      abort: () => {
        ended = true;
        socket.destroy();
      },
    };
  }

  async scan(bytes: Uint8Array): Promise<ScanVerdict> {
    const session = this.start();
    session.write(bytes);
    return session.finish();
  }

  async ping(): Promise<void> {
    const { socket, reply } = this.open();
    socket.write('zPING\0');
    if ((await reply) !== 'PONG') throw new ClamdError('clamd did not answer PING');
  }

  /** A connection and its NUL-terminated reply (writes are queued until it connects). */
  private open(): { socket: Socket; reply: Promise<string> } {
    const socket = connect(this.address as never);
    const reply = new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        if (error) reject(error);
        else resolve(Buffer.concat(chunks).toString('utf8').replace(/\0+$/, '').trim());
      };
      socket.setTimeout(this.timeoutMs, () => finish(new ClamdError('clamd timed out')));
      socket.on('error', (error) => finish(new ClamdError(`clamd unreachable: ${error.message}`)));
      socket.on('data', (data) => {
        chunks.push(data);
        if (data.includes(0)) finish();
      });
      socket.on('end', () => finish());
      socket.on('close', () => finish(new ClamdError('clamd closed the connection')));
    });
    // A session that is aborted never reads its reply.
    reply.catch(() => undefined);
    return { socket, reply };
  }
}

export function parseReply(reply: string): ScanVerdict {
  const body = reply.replace(/^stream:\s*/, '');
  if (body === 'OK') return { clean: true };
  const found = /^(.*) FOUND$/.exec(body);
  if (found) return { clean: false, signature: found[1]! };
  // "INSTREAM size limit exceeded. ERROR" and the like: fail closed, never "clean".
  throw new ClamdError(`clamd could not scan the file: ${body.slice(0, 200)}`);
}
