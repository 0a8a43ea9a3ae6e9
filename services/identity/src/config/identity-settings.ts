// The values use cases need from configuration, as one injectable object (Nest injects it by
// class). Built once from the validated config; tests build it with `identitySettings({...})`.
import type { IdentityConfig } from './identity-config';

/** OIDC relying-party settings (absent: OIDC sign-in is disabled). */
export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly scopes: string;
  readonly idTokenAlgorithms: readonly string[];
  readonly requestTtlMs: number;
  readonly allowHttp: boolean;
}

export class IdentitySettings {
  readonly issuer: string;
  readonly accessTokenTtlMs: number;
  readonly sessionMaxAgeMs: number;
  readonly sessionIdleTimeoutMs: number;
  readonly signInMaxFailures: number;
  readonly signInLockoutMs: number;
  readonly verificationCodeTtlMs: number;
  readonly enrolmentTicketTtlMs: number;
  readonly bootstrapSecret: string | undefined;
  readonly devMailboxEnabled: boolean;
  readonly inactivityArchiveAfterMs: number;
  readonly inactivityWarningBeforeMs: number;
  readonly oidc: OidcSettings | undefined;

  constructor(values: Omit<IdentitySettings, never>) {
    this.issuer = values.issuer;
    this.accessTokenTtlMs = values.accessTokenTtlMs;
    this.sessionMaxAgeMs = values.sessionMaxAgeMs;
    this.sessionIdleTimeoutMs = values.sessionIdleTimeoutMs;
    this.signInMaxFailures = values.signInMaxFailures;
    this.signInLockoutMs = values.signInLockoutMs;
    this.verificationCodeTtlMs = values.verificationCodeTtlMs;
    this.enrolmentTicketTtlMs = values.enrolmentTicketTtlMs;
    this.bootstrapSecret = values.bootstrapSecret;
    this.devMailboxEnabled = values.devMailboxEnabled;
    this.inactivityArchiveAfterMs = values.inactivityArchiveAfterMs;
    this.inactivityWarningBeforeMs = values.inactivityWarningBeforeMs;
    this.oidc = values.oidc;
  }

  static fromConfig(config: IdentityConfig): IdentitySettings {
    return new IdentitySettings({
      issuer: config.IDENTITY_ISSUER,
      accessTokenTtlMs: config.ACCESS_TOKEN_TTL,
      sessionMaxAgeMs: config.SESSION_MAX_AGE,
      sessionIdleTimeoutMs: config.SESSION_IDLE_TIMEOUT,
      signInMaxFailures: config.SIGN_IN_MAX_FAILURES,
      signInLockoutMs: config.SIGN_IN_LOCKOUT,
      verificationCodeTtlMs: config.VERIFICATION_CODE_TTL,
      enrolmentTicketTtlMs: config.ENROLMENT_TICKET_TTL,
      bootstrapSecret: config.BOOTSTRAP_SECRET,
      devMailboxEnabled: config.EMAIL_TRANSPORT === 'dev-sink',
      inactivityArchiveAfterMs: config.INACTIVITY_ARCHIVE_AFTER,
      inactivityWarningBeforeMs: config.INACTIVITY_WARNING_BEFORE,
      oidc:
        config.OIDC_ISSUER && config.OIDC_CLIENT_ID && config.OIDC_CLIENT_SECRET
          ? {
              issuer: config.OIDC_ISSUER,
              clientId: config.OIDC_CLIENT_ID,
              clientSecret: config.OIDC_CLIENT_SECRET,
              redirectUri: config.OIDC_REDIRECT_URI ?? '',
              scopes: config.OIDC_SCOPES,
              idTokenAlgorithms: config.OIDC_ID_TOKEN_ALGORITHMS.split(',')
                .map((alg) => alg.trim())
                .filter((alg) => alg !== ''),
              requestTtlMs: config.OIDC_REQUEST_TTL,
              allowHttp: config.OIDC_ALLOW_HTTP,
            }
          : undefined,
    });
  }
}

/** Defaults as in the config schema, overridable: for tests. */
export function identitySettings(overrides: Partial<IdentitySettings> = {}): IdentitySettings {
  return new IdentitySettings({
    issuer: 'https://identity.cairn.test',
    accessTokenTtlMs: 10 * 60_000,
    sessionMaxAgeMs: 12 * 3_600_000,
    sessionIdleTimeoutMs: 2 * 3_600_000,
    signInMaxFailures: 5,
    signInLockoutMs: 15 * 60_000,
    verificationCodeTtlMs: 30 * 60_000,
    enrolmentTicketTtlMs: 10 * 60_000,
    bootstrapSecret: undefined,
    devMailboxEnabled: false,
    inactivityArchiveAfterMs: 183 * 24 * 3_600_000,
    inactivityWarningBeforeMs: 7 * 24 * 3_600_000,
    oidc: undefined,
    ...overrides,
  });
}
