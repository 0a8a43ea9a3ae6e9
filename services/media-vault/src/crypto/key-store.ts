// The key-store port: wraps and unwraps per-patient keys under a key-encryption key (KEK) that
// never leaves the store. Adapters: a local key file (development, tests) and Azure Key Vault.
export interface WrappedKey {
  /** Which KEK wrapped it (a Key Vault key id with version, or "local:<fingerprint>"). */
  readonly kekId: string;
  readonly algorithm: string;
  readonly bytes: Buffer;
}

export interface KeyStore {
  readonly name: string;
  wrap(key: Buffer): Promise<WrappedKey>;
  unwrap(wrapped: WrappedKey): Promise<Buffer>;
}
