// Who may sign what, from the verified staff token (ARCHITECTURE.md flow 6, the DPIA's
// "specifically authenticated and validated request from an organisation's Caldicott Guardian or
// Privacy Officer, co-signed by a senior clinical representative").
//
// Approvals (raise, co-sign, reject, confirm disposal, holds, rules) require:
// - the role, in the organisation the action concerns (the token's `org`);
// - a recent sign-in: the token's `auth_time` no older than the re-authentication window, so a
//   long-lived session cannot approve without the person signing in again;
// - a second factor in `amr` (otp, mfa, hwk, swk — @cairn/auth's SECOND_FACTOR_METHODS): the
//   senior-clinician role alone does not require one from identity, an approval does;
// - no break-glass marker in `amr`. Identity issues none today (its sessions carry
//   ["pwd"] or ["pwd","otp"] or an NHS CIS2 provider's methods), so the rule is forward-looking:
//   any `amr` value in BREAK_GLASS_METHODS makes the session unable to approve, whatever else it
//   carries. A session without a second factor is refused as well, which covers emergency
//   password-only access today.
import { SECOND_FACTOR_METHODS, type StaffRole } from '@cairn/auth';
import { RetentionError, RetentionErrorCode } from './retention-error';

/** `amr` values marking emergency (break-glass) access. */
export const BREAK_GLASS_METHODS: ReadonlySet<string> = new Set([
  'break-glass',
  'breakglass',
  'bg',
]);

export const RAISER_ROLES = ['caldicott-guardian', 'privacy-officer'] as const;
export const COSIGNER_ROLES = ['senior-clinician'] as const;
export const REVIEWER_ROLES = [...RAISER_ROLES, ...COSIGNER_ROLES] as const;

/** The member of staff acting, as the RPC layer read them from a verified token. */
export interface Staff {
  readonly staffId: string;
  readonly organisation: string | null;
  readonly roles: readonly StaffRole[];
  readonly amr: readonly string[];
  readonly authTime: Date;
}

/** A signature as stored: who, in which role, when, relying on which sign-in. */
export interface Signature {
  readonly staffId: string;
  readonly role: StaffRole;
  readonly signedAt: Date;
  readonly authenticatedAt: Date;
}

export interface ApprovalPolicy {
  /** How old a sign-in may be for an approval, in milliseconds. */
  readonly reauthWindowMs: number;
}

/** The role the staff member acts in (the first of `allowed` they hold), or RoleRequired. */
export function roleFor(staff: Staff, allowed: readonly StaffRole[]): StaffRole {
  const role = allowed.find((r) => staff.roles.includes(r));
  if (!role) {
    throw new RetentionError(
      RetentionErrorCode.RoleRequired,
      `This needs one of the roles: ${allowed.join(', ')}.`,
    );
  }
  return role;
}

/** The staff member's organisation; they may act only on their own. */
export function organisationOf(staff: Staff): string {
  if (!staff.organisation) {
    throw new RetentionError(
      RetentionErrorCode.WrongOrganisation,
      'Only staff of an organisation can do this.',
    );
  }
  return staff.organisation;
}

/**
 * Checks everything an approval needs and returns the signature to record. `organisation` is
 * the organisation the approval concerns (the request's), compared with the token's.
 */
export function approve(
  staff: Staff,
  allowed: readonly StaffRole[],
  organisation: string,
  now: Date,
  policy: ApprovalPolicy,
): Signature {
  if (staff.organisation !== organisation) {
    throw new RetentionError(
      RetentionErrorCode.WrongOrganisation,
      'Only staff of the same organisation can sign this.',
    );
  }
  const role = roleFor(staff, allowed);
  if (staff.amr.some((m) => BREAK_GLASS_METHODS.has(m))) {
    throw new RetentionError(
      RetentionErrorCode.BreakGlassCannotApprove,
      'Emergency (break-glass) access cannot approve this.',
    );
  }
  if (!staff.amr.some((m) => SECOND_FACTOR_METHODS.has(m))) {
    throw new RetentionError(
      RetentionErrorCode.SecondFactorRequired,
      'Sign in with your second factor (authenticator app or smartcard) to approve this.',
    );
  }
  const age = now.getTime() - staff.authTime.getTime();
  if (age > policy.reauthWindowMs) {
    throw new RetentionError(
      RetentionErrorCode.ReauthenticationRequired,
      'Sign in again to approve this: your last sign-in is too long ago.',
    );
  }
  return { staffId: staff.staffId, role, signedAt: now, authenticatedAt: staff.authTime };
}
