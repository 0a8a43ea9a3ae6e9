// OIDC sign-in, step 2 (shaped for NHS CIS2): the state is spent (a guard insert, so once only,
// even when the exchange then fails), the code exchanged with the stored PKCE verifier, the ID
// token verified (issuer, audience, nonce, signature with pinned algorithms), and the selected
// role's organisation decides which account may sign in: the one of that organisation linked to
// the provider's subject, and only if active. The session is the same as after a password
// sign-in, with `amr` from the provider's authentication.
import { Injectable } from '@nestjs/common';
import { SECOND_FACTOR_METHODS } from '@cairn/auth';
import { OidcRelyingParty } from '../../adapters/oidc/oidc-relying-party';
import { Clock } from '../../domain/clock';
import { IdentityError, IdentityErrorCode } from '../../domain/identity-error';
import { providerAmr, selectedRole } from '../../domain/oidc-claims';
import { hashSecret } from '../../domain/one-time-code';
import { SecretBox } from '../../domain/secret-box';
import type { SessionTokens } from '../../domain/session-tokens';
import { requiresSecondFactor } from '../../domain/staff';
import { GuardRepository } from '../../repositories/guard.repository';
import { OidcRequestRepository } from '../../repositories/oidc-request.repository';
import { StaffRepository } from '../../repositories/staff.repository';
import { SessionIssuer } from '../shared/session-issuer';

export interface CompleteOidcSignInCommand {
  readonly code: string;
  readonly state: string;
  readonly iss?: string;
}

const bounded = (value: unknown, max: number): string =>
  typeof value === 'string' && value.length <= max ? value : '';

@Injectable()
export class CompleteOidcSignInUseCase {
  constructor(
    private readonly relyingParty: OidcRelyingParty,
    private readonly requests: OidcRequestRepository,
    private readonly guards: GuardRepository,
    private readonly staff: StaffRepository,
    private readonly sessions: SessionIssuer,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async execute(command: CompleteOidcSignInCommand): Promise<SessionTokens> {
    if (!this.relyingParty.enabled) {
      throw new IdentityError(IdentityErrorCode.OidcNotConfigured, 'OIDC sign-in is not set up');
    }
    const state = bounded(command.state, 512);
    const code = bounded(command.code, 4096);
    const iss = bounded(command.iss, 1024);
    const invalidState = new IdentityError(
      IdentityErrorCode.OidcStateInvalid,
      'this sign-in is unknown, already used or expired: start again',
    );
    if (state === '' || code === '') throw invalidState;
    const stateHash = hashSecret(state);
    const request = await this.requests.find(stateHash);
    const now = this.clock.now();
    if (!request || !(await this.guards.claimOidcState(stateHash, now))) throw invalidState;
    await this.requests.delete(stateHash);
    if (request.expiresAt.getTime() <= now.getTime()) throw invalidState;
    const verifier = this.box.open(request.sealedVerifier, `oidc:${stateHash}`).toString();

    const auth = await this.relyingParty.complete(
      { code, state, ...(iss ? { iss } : {}) },
      { state, nonce: request.nonce, verifier },
    );
    const amr = providerAmr(auth.idToken['amr']);
    if (amr.length === 0) {
      throw new IdentityError(
        IdentityErrorCode.OidcResponseInvalid,
        'the provider did not say how the user authenticated',
      );
    }
    // CIS2 gives the roles in the user info; an ID token carrying them works too.
    const role = selectedRole({ ...auth.idToken, ...auth.userInfo });
    const account = await this.staff.findByOidcSubject(role.organisation, auth.subject);
    if (
      !account ||
      account.status === 'pending_verification' ||
      account.status === 'pending_approval' ||
      account.status === 'rejected'
    ) {
      throw new IdentityError(
        IdentityErrorCode.OidcAccountNotPermitted,
        "no approved Cairn account of the selected role's organisation is linked to this user",
      );
    }
    if (account.status !== 'active' || (await this.guards.isStaffBlocked(account.id))) {
      throw new IdentityError(IdentityErrorCode.AccountNotActive, 'this account is not active');
    }
    if (requiresSecondFactor(account) && !amr.some((m) => SECOND_FACTOR_METHODS.has(m))) {
      throw new IdentityError(
        IdentityErrorCode.SecondFactorRequired,
        "this account's roles need a multi-factor sign-in at the provider",
      );
    }
    return this.sessions.start(account, amr);
  }
}
