// helm and kustomize come from the Go module proxy: found in the cache, or a clear message.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryPath, ensureTool, HELM, KUSTOMIZE, MissingGoError } from '../src/binaries.ts';

describe('ensureTool', () => {
  it('says how to install Go when the cache lacks the tool and Go is missing', () => {
    const cache = mkdtempSync(join(tmpdir(), 'cairn-deploy-cache-'));
    try {
      const env = { CAIRN_CACHE_DIR: cache, PATH: join(cache, 'no-such-bin') };
      expect(() => ensureTool(HELM, () => undefined, env)).toThrow(MissingGoError);
      expect(() => ensureTool(KUSTOMIZE, () => undefined, env)).toThrow(
        /go is needed to build kustomize v5\.7\.1 .*apt-get install golang-go/,
      );
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('keys the cached binary by version under CAIRN_CACHE_DIR', () => {
    expect(binaryPath(HELM, { CAIRN_CACHE_DIR: '/c' })).toBe('/c/helm-v3.17.4/helm');
    expect(binaryPath(KUSTOMIZE, { XDG_CACHE_HOME: '/x' })).toBe(
      '/x/cairn/kustomize-v5.7.1/kustomize',
    );
  });
});
