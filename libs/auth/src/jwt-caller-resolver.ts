// The RPC bridge's CallerResolver backed by the TokenVerifier:
//   RpcModule.forRoot({ port, logger, callerResolver: new JwtCallerResolver(verifier) })
import {
  ANONYMOUS_CALLER,
  type Caller,
  type CallerResolution,
  type CallerResolver,
} from '@cairn/platform';
import { AuthError, AuthErrorCode } from './auth-error';
import type { TokenVerifier } from './token-verifier';

// RFC 6750 §2.1: "Bearer" (any case), one or more spaces, a token68.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export class JwtCallerResolver implements CallerResolver {
  constructor(private readonly verifier: TokenVerifier) {}

  /**
   * No Authorization header: anonymous, and each RPC decides whether that is allowed. A header
   * that is present but not a valid Bearer access token: AuthError (Unauthenticated), never a
   * silent downgrade to anonymous.
   */
  async resolve({ authorization }: CallerResolution): Promise<Caller> {
    if (authorization === undefined) {
      return ANONYMOUS_CALLER;
    }
    const match = BEARER.exec(authorization);
    if (!match?.[1]) {
      throw new AuthError(AuthErrorCode.TokenMalformed, 'expected "Authorization: Bearer <token>"');
    }
    const { claims } = await this.verifier.verify(match[1]);
    return Object.freeze({ kind: 'authenticated', subject: claims.sub, claims });
  }
}
