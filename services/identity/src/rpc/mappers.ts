// Use-case results ↔ protobuf messages. Nothing here decides anything.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { HandlerContext } from '@connectrpc/connect';
import { requirePlatformRole, requireRole, requireStaff, type StaffClaims } from '@cairn/auth';
import { OrganisationSchema } from '@cairn/contracts/cairn/identity/v1/organisations_pb';
import { AcceptableUsePolicySchema } from '@cairn/contracts/cairn/identity/v1/policies_pb';
import { SessionTokensSchema } from '@cairn/contracts/cairn/identity/v1/sessions_pb';
import {
  StaffMemberSchema,
  type StaffRole as ProtoRole,
} from '@cairn/contracts/cairn/identity/v1/staff_pb';
import type { StaffActor } from '../domain/actor';
import { IdentityError, IdentityErrorCode } from '../domain/identity-error';
import type { SessionTokens } from '../domain/session-tokens';
import type { OdsCode, Staff, StaffRole } from '../domain/staff';
import {
  clinicalSystemToProto,
  roleFromProto,
  rolesToProto,
  statusToProto,
} from '../events/proto-enums';
import type { Organisation } from '../repositories/organisation.repository';
import type { Policy } from '../repositories/policy.repository';

type Context = Pick<HandlerContext, 'values'>;

function actorOf(claims: StaffClaims): StaffActor {
  return {
    staffId: claims.sub,
    organisation: claims.org as OdsCode | null,
    roles: claims.roles,
    platformRoles: claims.platformRoles,
    sessionId: claims.sid,
  };
}

/** Any signed-in staff, including those who have not accepted the current policy. */
export function policyPendingActor(ctx: Context): StaffActor {
  return actorOf(requireStaff(ctx, { allowPolicyPending: true }));
}

export function administratorActor(ctx: Context): StaffActor {
  return actorOf(requireRole(ctx, 'administrator'));
}

export function platformAdminActor(ctx: Context): StaffActor {
  return actorOf(requirePlatformRole(ctx, 'platform-admin'));
}

export function rolesFromProto(roles: readonly ProtoRole[]): StaffRole[] {
  return roles.map((role) => {
    const name = roleFromProto(role);
    if (!name) throw new IdentityError(IdentityErrorCode.InvalidArgument, 'unknown role');
    return name;
  });
}

export function staffToProto(staff: Staff) {
  return create(StaffMemberSchema, {
    id: staff.id,
    organisation: staff.organisation ?? '',
    email: staff.email,
    displayName: staff.displayName,
    status: statusToProto(staff.status),
    roles: rolesToProto(staff.roles),
    clinicalSystem: clinicalSystemToProto(staff.clinicalSystem),
    clinicalUserId: staff.clinicalUserId ?? '',
    registeredAt: timestampFromDate(staff.registeredAt),
    acceptedPolicyVersion: staff.acceptedPolicyVersion ?? '',
    secondFactorEnrolled: staff.totpEnrolled,
  });
}

export function organisationToProto(organisation: Organisation) {
  return create(OrganisationSchema, {
    odsCode: organisation.odsCode,
    name: organisation.name,
    createdAt: timestampFromDate(organisation.createdAt),
  });
}

export function policyToProto(policy: Policy) {
  return create(AcceptableUsePolicySchema, {
    version: policy.version,
    text: policy.text,
    publishedAt: timestampFromDate(policy.publishedAt),
  });
}

export function tokensToProto(tokens: SessionTokens) {
  return create(SessionTokensSchema, {
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: timestampFromDate(tokens.accessTokenExpiresAt),
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: timestampFromDate(tokens.refreshTokenExpiresAt),
    sessionId: tokens.sessionId,
  });
}
