// TEST ONLY. Serves a JWKS over plain HTTP on loopback, the way identity's JWKS endpoint will,
// and counts the fetches so tests can see caching and cooldown at work.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';

export const JWKS_PATH = '/.well-known/jwks.json';

export interface JwksServer {
  /** The JWKS URL, e.g. http://127.0.0.1:43127/.well-known/jwks.json */
  readonly url: URL;
  /** Requests for the JWKS so far. */
  readonly fetches: number;
  /** 'ok' serves the set; 'error' answers 503; 'hang' never answers (timeouts). */
  mode: 'ok' | 'error' | 'hang';
  close(): Promise<void>;
}

/** Serves `jwks()` (read on every request, so rotations show) on 127.0.0.1, a free port. */
export async function serveJwks(jwks: () => JSONWebKeySet): Promise<JwksServer> {
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== JWKS_PATH) {
      res.writeHead(404).end();
      return;
    }
    fetches += 1;
    if (state.mode === 'hang') return;
    if (state.mode === 'error') {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify(jwks()));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const state: JwksServer = {
    url: new URL(`http://127.0.0.1:${port}${JWKS_PATH}`),
    get fetches() {
      return fetches;
    },
    mode: 'ok',
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}
