// A local HTTPS server implementing the slice of the Azure Key Vault keys REST API that
// CryptographyClient uses for wrapKey/unwrapKey with an RSA key: GET /keys/{name}/{version}
// (the public JWK, which the SDK may use to wrap locally), POST …/wrapkey and …/unwrapkey
// (RSA-OAEP-256, base64url values), behind Key Vault's bearer challenge (a first request
// without a token gets 401 + WWW-Authenticate). TLS uses a self-signed certificate for
// 127.0.0.1 generated with openssl for this run; clients trust it through an https.Agent.
import { execFileSync } from 'node:child_process';
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Agent, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FAKE_TOKEN = 'fake-key-vault-token';

export interface FakeKeyVault {
  readonly keyId: string;
  readonly agent: Agent;
  /** Requests by "<METHOD> <path>", to show which operations went to the vault. */
  readonly calls: string[];
  close(): Promise<void>;
}

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-kv-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startFakeKeyVault(): Promise<FakeKeyVault> {
  const tls = selfSignedCertificate();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = createPublicKey(
    createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' })),
  ).export({ format: 'jwk' });
  const calls: string[] = [];
  let keyId = '';
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'https://127.0.0.1').pathname;
      calls.push(`${req.method} ${path}`);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) {
        return send(
          401,
          { error: { code: 'Unauthorized', message: 'token required' } },
          {
            'www-authenticate':
              'Bearer authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000", resource="https://vault.azure.net"',
          },
        );
      }
      const body = chunks.length
        ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alg?: string; value?: string })
        : {};
      const oaep = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
      if (req.method === 'GET' && path === '/keys/kek/v1') {
        return send(200, {
          key: { kid: keyId, kty: 'RSA', key_ops: ['wrapKey', 'unwrapKey'], n: jwk.n, e: jwk.e },
          attributes: { enabled: true },
        });
      }
      if (
        req.method === 'POST' &&
        (path === '/keys/kek/v1/wrapkey' || path === '/keys/kek/v1/unwrapkey')
      ) {
        if (body.alg !== 'RSA-OAEP-256' || !body.value)
          return send(400, { error: { code: 'BadParameter' } });
        try {
          const input = Buffer.from(body.value, 'base64url');
          const output = path.endsWith('/wrapkey')
            ? publicEncrypt({ key: privateKey, ...oaep }, input)
            : privateDecrypt({ key: privateKey, ...oaep }, input);
          return send(200, { kid: keyId, value: output.toString('base64url') });
        } catch {
          return send(400, { error: { code: 'BadParameter', message: 'decryption failed' } });
        }
      }
      send(404, { error: { code: 'NotFound' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  keyId = `https://127.0.0.1:${port}/keys/kek/v1`;
  return {
    keyId,
    agent: new Agent({ ca: tls.cert, keepAlive: false }),
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
