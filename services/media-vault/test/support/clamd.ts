// A private clamd for one test file: a temporary config (Unix socket, foreground), and a
// signature database holding only a test signature this helper writes (no downloaded
// signatures: the machine cannot fetch them). A file containing TEST_MALWARE_MARKER is "infected".
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClamdScanner } from '../../src/scanning/clamd-scanner';

export const TEST_SIGNATURE = 'Cairn.Test.Malware';
export const TEST_MALWARE_MARKER = 'CAIRN-MEDIA-VAULT-TEST-MALWARE-MARKER-7f3a9c';

export interface TestClamd {
  readonly address: string;
  readonly scanner: ClamdScanner;
  stop(): Promise<void>;
}

export async function startTestClamd(
  options: { imageFuzzyHash?: boolean } = {},
): Promise<TestClamd> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-clamd-'));
  const db = join(dir, 'db');
  const socket = join(dir, 'clamd.sock');
  mkdirSync(db);
  // .ndb: Name:TargetType:Offset:HexSignature (0 = any file, * = anywhere).
  writeFileSync(
    join(db, 'cairn-test.ndb'),
    `${TEST_SIGNATURE}:0:*:${Buffer.from(TEST_MALWARE_MARKER).toString('hex')}\n`,
  );
  writeFileSync(
    join(dir, 'clamd.conf'),
    [
      'Foreground yes',
      `LocalSocket ${socket}`,
      `DatabaseDirectory ${db}`,
      `PidFile ${join(dir, 'clamd.pid')}`,
      'LogFile /dev/null',
      'StreamMaxLength 64M',
      'MaxThreads 4',
      'SelfCheck 0',
      // Images are re-encoded on intake, so ClamAV's image fuzzy hashing (which decodes every
      // image and costs ~3× our own re-encode) adds little; the raw bytes are still matched
      // against every signature. The README recommends the same for production.
      ...(options.imageFuzzyHash ? [] : ['ScanImageFuzzyHash no']),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('clamd', ['--config-file', join(dir, 'clamd.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const scanner = new ClamdScanner({ path: socket }, 10_000);
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await scanner.ping();
      break;
    } catch {
      if (child.exitCode !== null) throw new Error(`clamd exited: ${stderr.slice(0, 500)}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`clamd did not start: ${stderr.slice(0, 500)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    address: `unix:${socket}`,
    scanner,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
