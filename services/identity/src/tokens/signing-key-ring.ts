// Identity's Ed25519 signing keys: creation, rotation, publication and retirement, shared by all
// replicas through MongoDB.
//
// Timeline of one key (generation g):
//   createdAt            published in the JWKS (verifiers can fetch it)
//   activatesAt          starts signing: at least SIGNING_KEY_PUBLISH_LEAD after createdAt, which
//                        must be ≥ the verifiers' JWKS cooldown, so a verifier meeting the new kid
//                        is always allowed to refetch and finds it
//   next.activatesAt     stops signing (generation g+1 takes over)
//   + token TTL + skew   no token it signed can still verify: dropped from the JWKS and deleted
// Each replica runs `maintain()` periodically; the unique generation index makes exactly one of
// them create each next key.
import { generateKeyPairSync, createPrivateKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { calculateJwkThumbprint, type JSONWebKeySet, type JWK } from 'jose';
import { ACCESS_TOKEN_ALGORITHM } from '@cairn/auth';
import { Clock } from '../domain/clock';
import { SecretBox } from '../domain/secret-box';
import {
  SigningKeyRepository,
  type StoredSigningKey,
} from '../repositories/signing-key.repository';

export interface KeyRingSettings {
  readonly rotationMs: number;
  readonly publishLeadMs: number;
  readonly accessTokenTtlMs: number;
  /** Margin for clock skew between replicas and verifiers. */
  readonly skewMs: number;
  /** How long a replica trusts its cached view of the keys. */
  readonly cacheMs: number;
}

export interface ActiveSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

@Injectable()
export class SigningKeyRing {
  private keys: StoredSigningKey[] = [];
  private loadedAt = 0;
  private readonly privateKeys = new Map<string, KeyObject>();

  constructor(
    private readonly repository: SigningKeyRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
    private readonly settings: KeyRingSettings,
  ) {}

  /** Creates the first or the next key when due, prunes expired ones, reloads. */
  async maintain(): Promise<void> {
    const now = this.clock.now().getTime();
    let keys = await this.repository.latest();
    const newest = keys[0];
    if (!newest) {
      // Nobody can hold a token or a cached JWKS yet: the first key signs at once.
      await this.create(1, new Date(now), new Date(now));
    } else if (
      newest.activatesAt.getTime() <= now &&
      now - newest.activatesAt.getTime() >= this.settings.rotationMs - this.settings.publishLeadMs
    ) {
      const activatesAt = Math.max(
        now + this.settings.publishLeadMs,
        newest.activatesAt.getTime() + this.settings.rotationMs,
      );
      await this.create(newest.generation + 1, new Date(now), new Date(activatesAt));
    }
    keys = await this.repository.latest();
    const oldestNeeded = this.oldestNeededGeneration(keys, now);
    if (oldestNeeded !== undefined && keys.some((key) => key.generation < oldestNeeded)) {
      await this.repository.deleteOlderThan(oldestNeeded);
      keys = await this.repository.latest();
    }
    this.keys = keys;
    this.loadedAt = this.clock.now().getTime();
  }

  /** The key to sign with now: the newest whose activation time has come. */
  async signingKey(): Promise<ActiveSigningKey> {
    const keys = await this.current();
    const now = this.clock.now().getTime();
    const active = keys.find((key) => key.activatesAt.getTime() <= now);
    if (!active) throw new Error('no active signing key');
    let privateKey = this.privateKeys.get(active.kid);
    if (!privateKey) {
      const der = this.box.open(active.sealedPrivateKey, `signing-key:${active.kid}`);
      privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      this.privateKeys.set(active.kid, privateKey);
    }
    return { kid: active.kid, privateKey };
  }

  /** The public keys verifiers may need: upcoming, signing, and retired-but-unexpired. */
  async jwks(): Promise<JSONWebKeySet> {
    const keys = await this.current();
    const now = this.clock.now().getTime();
    const oldestNeeded = this.oldestNeededGeneration(keys, now) ?? 0;
    return {
      keys: keys
        .filter((key) => key.generation >= oldestNeeded)
        .map((key) => ({ ...(key.publicJwk as JWK) })),
    };
  }

  /** Forces the next read to come from the database (tests, after another replica rotated). */
  invalidate(): void {
    this.loadedAt = 0;
  }

  private async current(): Promise<StoredSigningKey[]> {
    const now = this.clock.now().getTime();
    if (this.keys.length === 0 || now - this.loadedAt >= this.settings.cacheMs) {
      this.keys = await this.repository.latest();
      this.loadedAt = now;
    }
    return this.keys;
  }

  /**
   * The oldest generation a valid token can name: the one signing now, or an older one whose
   * successor activated less than TTL + skew ago.
   */
  private oldestNeededGeneration(
    keys: readonly StoredSigningKey[],
    now: number,
  ): number | undefined {
    const byGeneration = [...keys].sort((a, b) => a.generation - b.generation);
    let oldest: number | undefined;
    for (let i = byGeneration.length - 1; i >= 0; i--) {
      const key = byGeneration[i];
      if (!key) continue;
      const successor = byGeneration[i + 1];
      if (key.activatesAt.getTime() > now) continue; // not signing yet: kept as upcoming
      if (!successor || successor.activatesAt.getTime() > now) {
        oldest = key.generation; // signing now
        continue;
      }
      const retiredFor = now - successor.activatesAt.getTime();
      if (retiredFor <= this.settings.accessTokenTtlMs + this.settings.skewMs) {
        oldest = key.generation;
      } else {
        break;
      }
    }
    return oldest;
  }

  private async create(generation: number, createdAt: Date, activatesAt: Date): Promise<void> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(jwk);
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    await this.repository.insert({
      kid,
      generation,
      publicJwk: { ...jwk, kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' },
      sealedPrivateKey: this.box.seal(der, `signing-key:${kid}`),
      createdAt,
      activatesAt,
    });
  }
}
