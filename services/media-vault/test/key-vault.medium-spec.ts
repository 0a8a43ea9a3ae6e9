// The Azure Key Vault key store against a local server implementing the Key Vault REST contract
// it uses (support/fake-key-vault.ts), through the real @azure/keyvault-keys client: challenge
// authentication, wrap, unwrap, and a whole upload/read through the vault with it.
import { randomBytes } from 'node:crypto';
import { AzureKeyVaultKeyStore } from '../src/crypto/azure-key-vault-key-store';
import { FAKE_TOKEN, startFakeKeyVault, type FakeKeyVault } from './support/fake-key-vault';
import { photoWithGps } from './support/fixtures';
import { startVaultHarness } from './support/vault-harness';

const credential = {
  getToken: () =>
    Promise.resolve({ token: FAKE_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe('Azure Key Vault key store (REST contract)', () => {
  let kv: FakeKeyVault;
  let store: AzureKeyVaultKeyStore;

  beforeAll(async () => {
    kv = await startFakeKeyVault();
    store = new AzureKeyVaultKeyStore({
      keyId: kv.keyId,
      credential,
      clientOptions: {
        disableChallengeResourceVerification: true,
        agent: kv.agent,
        retryOptions: { maxRetries: 0 },
      },
    });
  });
  afterAll(async () => {
    await kv?.close();
  });

  it('wraps and unwraps a patient key, the unwrap done by the vault', async () => {
    const key = randomBytes(32);
    const wrapped = await store.wrap(key);
    expect(wrapped.kekId).toBe(kv.keyId);
    expect(wrapped.algorithm).toBe('RSA-OAEP-256');
    expect(wrapped.bytes.equals(key)).toBe(false);
    expect((await store.unwrap(wrapped)).equals(key)).toBe(true);
    expect(kv.calls).toContain('POST /keys/kek/v1/unwrapkey');
  });

  it('fails when the wrapped key was altered', async () => {
    const wrapped = await store.wrap(randomBytes(32));
    wrapped.bytes[10] ^= 0xff;
    await expect(store.unwrap(wrapped)).rejects.toThrow();
  });

  it('serves a whole upload and read with keys held in the vault', async () => {
    const h = await startVaultHarness({}, { keyStore: store });
    try {
      const stored = await h.upload(await photoWithGps(400, 300), { groupId: 'kv-1' });
      const { bytes } = await h.read(stored.objectId);
      expect(bytes.length).toBe(Number(stored.sizeBytes));
    } finally {
      await h.stop();
    }
  });
});
