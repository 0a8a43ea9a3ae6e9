// Callers of the vault. Staff: `authorization: Bearer <access token>`, verified by @cairn/auth.
// Services acting for a patient (the gateway): `authorization: CairnService <token>`, a random
// secret of at least 32 bytes shared with the vault, which stores only its SHA-256 (compared in
// constant time). A service caller may upload and manage one named group; it can never read an
// object's content, which only staff can.
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type Caller,
  type CallerResolution,
  type CallerResolver,
  callerOf,
  DomainError,
  ErrorKind,
} from '@cairn/platform';
import type { HandlerContext } from '@connectrpc/connect';
import { MediaError, MediaErrorCode } from '../domain/media-error';

const SCHEME = 'CairnService ';
const serviceClaims = new WeakSet<object>();

export interface ServiceToken {
  readonly service: string;
  readonly sha256: Buffer;
}

export function parseServiceTokens(entries: readonly string[]): ServiceToken[] {
  return entries.map((entry) => {
    const [service, hex] = entry.split(':');
    return { service: service!, sha256: Buffer.from(hex!, 'hex') };
  });
}

export function serviceTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class MediaCallerResolver implements CallerResolver {
  constructor(
    private readonly staff: CallerResolver,
    private readonly services: readonly ServiceToken[],
  ) {}

  resolve(call: CallerResolution): Promise<Caller> | Caller {
    const header = call.authorization;
    if (header === undefined || !header.startsWith(SCHEME)) return this.staff.resolve(call);
    const token = header.slice(SCHEME.length).trim();
    const digest = createHash('sha256').update(token, 'utf8').digest();
    const match =
      token.length >= 32 ? this.services.find((s) => timingSafeEqual(s.sha256, digest)) : undefined;
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

/** The calling service's name; only callers this resolver authenticated count. */
export function requireService(ctx: Pick<HandlerContext, 'values'>): string {
  const caller = callerOf(ctx);
  if (caller.kind === 'authenticated' && serviceClaims.has(caller.claims)) {
    return (caller.claims as { service: string }).service;
  }
  throw new MediaError(MediaErrorCode.ServiceRequired, 'only the gateway may do this');
}

export function isServiceCaller(ctx: Pick<HandlerContext, 'values'>): boolean {
  const caller = callerOf(ctx);
  return caller.kind === 'authenticated' && serviceClaims.has(caller.claims);
}
