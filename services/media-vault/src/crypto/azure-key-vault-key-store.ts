// Azure Key Vault key store: the KEK is an RSA (or Managed HSM AES) key in Key Vault; patient
// keys are wrapped and unwrapped by the vault (CryptographyClient wrapKey/unwrapKey), so the KEK
// never leaves it. The wrapped key records the key id with its version, so unwrapping after a
// rotation still uses the version that wrapped it.
import type { TokenCredential } from '@azure/identity';
import {
  CryptographyClient,
  type CryptographyClientOptions,
  type KeyWrapAlgorithm,
} from '@azure/keyvault-keys';
import type { KeyStore, WrappedKey } from './key-store';

export interface AzureKeyVaultKeyStoreSettings {
  /** https://<vault>.vault.azure.net/keys/<name>/<version> (or without version: the latest). */
  readonly keyId: string;
  readonly credential: TokenCredential;
  readonly algorithm?: KeyWrapAlgorithm;
  readonly clientOptions?: CryptographyClientOptions;
}

export class AzureKeyVaultKeyStore implements KeyStore {
  readonly name = 'azure-key-vault';
  private readonly algorithm: KeyWrapAlgorithm;
  private readonly clients = new Map<string, CryptographyClient>();

  constructor(private readonly settings: AzureKeyVaultKeyStoreSettings) {
    this.algorithm = settings.algorithm ?? 'RSA-OAEP-256';
  }

  async wrap(key: Buffer): Promise<WrappedKey> {
    const result = await this.client(this.settings.keyId).wrapKey(this.algorithm, key);
    return {
      kekId: result.keyID ?? this.settings.keyId,
      algorithm: result.algorithm,
      bytes: Buffer.from(result.result),
    };
  }

  async unwrap(wrapped: WrappedKey): Promise<Buffer> {
    const result = await this.client(wrapped.kekId).unwrapKey(
      wrapped.algorithm as KeyWrapAlgorithm,
      wrapped.bytes,
    );
    return Buffer.from(result.result);
  }

  private client(keyId: string): CryptographyClient {
    let client = this.clients.get(keyId);
    if (!client) {
      client = new CryptographyClient(keyId, this.settings.credential, this.settings.clientOptions);
      this.clients.set(keyId, client);
    }
    return client;
  }
}
