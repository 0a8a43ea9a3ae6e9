// Head blobs against Azurite: written once (a rewrite of the same size keeps the first copy), and
// the version-level immutability call made when configured. Azurite does not implement
// immutability policies (it answers 501 APINotImplemented), so here that call can only be shown
// to be made; against Azure it locks the blob.
import { RestError } from '@azure/storage-blob';
import { testInfra, uniqueName } from '@cairn/testing';
import { TreeHeadBlobStore } from '../src/heads/tree-head.blob-store';

const head = (treeSize: number, fill: number) => ({
  treeSize,
  rootHash: new Uint8Array(32).fill(fill),
  timestampMs: 1_750_000_000_000,
  keyId: 'key',
  signature: new Uint8Array(64).fill(fill),
});

describe('TreeHeadBlobStore', () => {
  const connection = testInfra().azuriteConnectionString;

  it('writes each head once; the first copy stands', async () => {
    const store = new TreeHeadBlobStore(connection, uniqueName('heads'), 0);
    await store.ensureContainer();
    await store.write(head(7, 1));
    await store.write(head(7, 2));
    const stored = JSON.parse((await store.read(7)) ?? '{}') as { rootHash: string };
    expect(Buffer.from(stored.rootHash, 'base64')[0]).toBe(1);
    expect(await store.read(8)).toBeUndefined();
  });

  it('asks for a locked immutability policy when configured (Azurite: not implemented)', async () => {
    const store = new TreeHeadBlobStore(connection, uniqueName('heads'), 30);
    await store.ensureContainer();
    const failure = await store.write(head(1, 1)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RestError);
    expect((failure as RestError).statusCode).toBe(501);
  });
});
