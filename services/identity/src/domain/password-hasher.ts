// The port for password hashing; the argon2id adapter is in src/adapters/passwords.
export abstract class PasswordHasher {
  abstract hash(password: string): Promise<string>;
  abstract verify(hash: string, password: string): Promise<boolean>;
  /** Whether a stored hash was made with weaker parameters than the current ones. */
  abstract needsRehash(hash: string): boolean;
  /**
   * Spends the same time as a real verification, for sign-ins naming no account, so response
   * time does not tell who is registered.
   */
  abstract verifyDummy(password: string): Promise<void>;
}
