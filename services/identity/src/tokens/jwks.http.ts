// The JWKS endpoint on its own small plain-HTTP port: GET /.well-known/jwks.json. Kept apart
// from the gRPC port so verifiers (jose's remote JWK set) fetch it with plain HTTP/1.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@cairn/platform';
import type { SigningKeyRing } from './signing-key-ring';

export const JWKS_PATH = '/.well-known/jwks.json';

export interface JwksServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
}

export async function startJwksServer(options: {
  ring: SigningKeyRing;
  port: number;
  host?: string;
  logger: Logger;
}): Promise<JwksServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== JWKS_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    options.ring
      .jwks()
      .then((jwks) => {
        res
          .writeHead(200, {
            'content-type': 'application/jwk-set+json',
            // Short: verifiers refetch on an unknown kid anyway; caches in between must not
            // hold a set long past a rotation.
            'cache-control': 'public, max-age=60',
          })
          .end(req.method === 'HEAD' ? undefined : JSON.stringify(jwks));
      })
      .catch((error: unknown) => {
        options.logger.error({ errorType: (error as Error)?.name }, 'JWKS unavailable');
        res.writeHead(503).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  options.logger.info({ port }, 'JWKS endpoint listening');
  return { server, port, url: `http://${host}:${port}${JWKS_PATH}` };
}
