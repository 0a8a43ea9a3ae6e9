// Staff sign-in and administration through identity: the gateway keeps the tokens server-side
// (the browser holds only an opaque cookie) and forwards the access token on every call.
export interface StaffTokens {
  readonly accessToken: string;
  readonly accessExpiresAt: Date;
  readonly refreshToken: string;
  readonly refreshExpiresAt: Date;
}

export type SignInResult =
  | { readonly outcome: 'tokens'; readonly tokens: StaffTokens }
  | { readonly outcome: 'second-factor' }
  | { readonly outcome: 'enrol-second-factor' };

export interface VerifiedStaff {
  readonly staffId: string;
  readonly odsCode: string | null;
  readonly roles: readonly string[];
  readonly platformRoles?: readonly string[];
  readonly policyAccepted: boolean;
}

export interface PendingStaffMember {
  readonly staffId: string;
  readonly name: string;
  readonly email: string;
}

export abstract class StaffIdentity {
  abstract signIn(email: string, password: string, totpCode: string): Promise<SignInResult>;
  abstract refresh(refreshToken: string): Promise<StaffTokens>;
  abstract signOut(refreshToken: string): Promise<void>;
  /** Verifies an access token with identity's JWKS (the same verifier every service uses). */
  abstract verify(accessToken: string): Promise<VerifiedStaff>;
  abstract currentPolicy(accessToken: string): Promise<{ version: string; text: string }>;
  abstract acceptPolicy(accessToken: string, version: string): Promise<void>;
  abstract pendingStaff(accessToken: string): Promise<PendingStaffMember[]>;
  abstract approve(accessToken: string, staffId: string, roles: string[]): Promise<void>;
  abstract reject(accessToken: string, staffId: string, reason: string): Promise<void>;
  abstract suspend(accessToken: string, staffId: string, reason: string): Promise<void>;
}
