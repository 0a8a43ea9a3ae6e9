// TEST ONLY. Callers and handler contexts for unit-testing RPC handlers and guards without
// minting and verifying a token.
import { CALLER_KEY, type Caller } from '@cairn/platform';
import { createContextValues, type HandlerContext } from '@connectrpc/connect';
import { parseStaffClaims } from '../staff-claims';
import type { TestClaims } from './test-token-issuer';

/**
 * An authenticated staff caller, as JwtCallerResolver would produce from a token with these
 * claims (a clinician at A81001 by default). Goes through the same claims parser, so a caller
 * identity could never issue cannot be built.
 */
export function staffCaller(claims: TestClaims = {}): Caller {
  const wire: Record<string, unknown> = {
    sub: 'staff-0001',
    org: 'A81001',
    roles: ['clinician'],
    amr: ['pwd', 'otp'],
    auth_time: Math.floor(Date.now() / 1000),
    sid: 'session-test',
    aup: '1',
    ...claims,
  };
  for (const [claim, value] of Object.entries(wire)) {
    if (value === undefined) delete wire[claim];
  }
  const parsed = parseStaffClaims(wire);
  return Object.freeze({ kind: 'authenticated', subject: parsed.sub, claims: parsed });
}

/** The part of a connect HandlerContext that guards and `callerOf` read. */
export function contextWithCaller(caller: Caller): Pick<HandlerContext, 'values'> {
  return { values: createContextValues().set(CALLER_KEY, caller) };
}
