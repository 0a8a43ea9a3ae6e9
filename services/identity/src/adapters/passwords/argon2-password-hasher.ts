// argon2id (RFC 9106) through the `argon2` Node-API addon. Parameters come from configuration
// (default m=19 MiB, t=2, p=1, OWASP's recommendation; measured in bench/). Hashes carry their
// parameters, so a change of parameters upgrades each account at its next sign-in (needsRehash).
// The addon runs on libuv's thread pool, so hashing never blocks the event loop.
import argon2 from 'argon2';
import { PasswordHasher } from '../../domain/password-hasher';

export interface Argon2Parameters {
  readonly memoryKib: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export class Argon2PasswordHasher extends PasswordHasher {
  private dummyHash?: Promise<string>;

  constructor(private readonly parameters: Argon2Parameters) {
    super();
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.parameters.memoryKib,
      timeCost: this.parameters.timeCost,
      parallelism: this.parameters.parallelism,
    });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, {
      memoryCost: this.parameters.memoryKib,
      timeCost: this.parameters.timeCost,
      parallelism: this.parameters.parallelism,
    });
  }

  async verifyDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash('cairn-dummy-password-for-timing');
    await this.verify(await this.dummyHash, password);
  }
}
