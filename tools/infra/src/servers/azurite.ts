// Azurite, Microsoft's Azure Storage emulator (blob service only), from npm. It does not emulate
// immutability policies or legal holds: code using those is tested against the API contract.
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { portOpen, startDetached } from '../processes.ts';
import type { LocalServer } from './server.ts';

export const azurite: LocalServer = {
  name: 'azurite',
  startTimeoutSeconds: 30,
  port: (s) => s.azuriteBlobPort,

  async install() {
    // Installed by `npm install` as a dev dependency; nothing to fetch.
  },

  async start(s) {
    const require = createRequire(join(s.repoRoot, 'package.json'));
    const main = join(require.resolve('azurite/package.json'), '..', 'dist/src/blob/main.js');
    return startDetached(s, 'azurite', process.execPath, [
      main,
      '--blobHost',
      s.host,
      '--blobPort',
      String(s.azuriteBlobPort),
      '--location',
      join(s.stateDir, 'data', 'azurite'),
      '--skipApiVersionCheck',
      '--disableProductStyleUrl',
      '--silent',
    ]);
  },

  async ready(s) {
    if (!(await portOpen(s.host, s.azuriteBlobPort))) return false;
    try {
      // Any HTTP answer (even 4xx for the unauthenticated request) means the service is up.
      const res = await fetch(`http://${s.host}:${s.azuriteBlobPort}/devstoreaccount1?comp=list`, {
        signal: AbortSignal.timeout(1000),
      });
      return res.status > 0;
    } catch {
      return false;
    }
  },
};
