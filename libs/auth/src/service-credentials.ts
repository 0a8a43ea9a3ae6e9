// Service-to-service callers: `authorization: CairnService <token>`, a random secret of at least
// 32 characters that the calling service holds and the called service knows only by its SHA-256
// (configured as `<service>:<sha256 hex>` entries, compared in constant time). Used where a
// service acts without a member of staff: the gateway uploading for a patient (media vault),
// messaging re-checking a scheduled message's patient (identity's directory). Anything else
// (Bearer tokens, no header) goes to the staff resolver, whose claims never count as a service.
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  callerOf,
  DomainError,
  ErrorKind,
  type Caller,
  type CallerResolution,
  type CallerResolver,
} from '@cairn/platform';

export const SERVICE_CREDENTIAL_SCHEME = 'CairnService';
const PREFIX = `${SERVICE_CREDENTIAL_SCHEME} `;
const MIN_TOKEN_LENGTH = 32;
const ENTRY = /^([a-z][a-z0-9-]*):([0-9a-f]{64})$/;

/** Only claims this module created mark a service; nothing a token says can imitate them. */
const serviceClaims = new WeakSet<object>();

export interface ServiceCredential {
  readonly service: string;
  readonly sha256: Buffer;
}

/** The SHA-256 (hex) a called service is configured with for a token. */
export function serviceCredentialHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The authorization header value a calling service sends. */
export function serviceAuthorization(token: string): string {
  return `${PREFIX}${token}`;
}

/** Whether a configuration entry is `<service>:<64 hex digits>`. */
export function isServiceCredentialEntry(entry: string): boolean {
  return ENTRY.test(entry);
}

/** Parses `<service>:<sha256 hex>` entries; throws on a malformed one (check config first). */
export function parseServiceCredentials(entries: readonly string[]): ServiceCredential[] {
  return entries.map((entry) => {
    const match = ENTRY.exec(entry);
    if (!match) throw new Error('a service credential entry is <service>:<sha256 hex>');
    return { service: match[1]!, sha256: Buffer.from(match[2]!, 'hex') };
  });
}

export class ServiceCredentialResolver implements CallerResolver {
  constructor(
    private readonly staff: CallerResolver,
    private readonly credentials: readonly ServiceCredential[],
  ) {}

  resolve(call: CallerResolution): Promise<Caller> | Caller {
    const header = call.authorization;
    if (header === undefined || !header.startsWith(PREFIX)) return this.staff.resolve(call);
    const token = header.slice(PREFIX.length).trim();
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let match: ServiceCredential | undefined;
    if (token.length >= MIN_TOKEN_LENGTH) {
      // Every entry is compared, so the time taken does not say which one matched.
      for (const credential of this.credentials) {
        if (timingSafeEqual(credential.sha256, digest) && !match) match = credential;
      }
    }
    if (!match) {
      throw new DomainError(
        'service_token_invalid',
        ErrorKind.Unauthenticated,
        'invalid service credential',
      );
    }
    const claims = Object.freeze({ service: match.service });
    serviceClaims.add(claims);
    return { kind: 'authenticated', subject: `service:${match.service}`, claims };
  }
}

/** The calling service's name when a ServiceCredentialResolver authenticated it; else undefined. */
export function serviceCallerOf(ctx: Parameters<typeof callerOf>[0]): string | undefined {
  const caller = callerOf(ctx);
  if (caller.kind === 'authenticated' && serviceClaims.has(caller.claims)) {
    return (caller.claims as { service: string }).service;
  }
  return undefined;
}
