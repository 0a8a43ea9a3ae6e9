// Domain names ↔ the protobuf enums of cairn.identity.v1, shared by the RPC mappers and the
// event builders. Tables are total over both sides, so a role added to one side only does not
// compile.
import {
  StaffClinicalSystem,
  StaffRole as ProtoRole,
  StaffStatus as ProtoStatus,
} from '@cairn/contracts/cairn/identity/v1/staff_pb';
import type { ClinicalSystem, StaffRole, StaffStatus } from '../domain/staff';

const ROLE_TO_PROTO: { readonly [R in StaffRole]: ProtoRole } = {
  clinician: ProtoRole.CLINICIAN,
  administrator: ProtoRole.ADMINISTRATOR,
  'caldicott-guardian': ProtoRole.CALDICOTT_GUARDIAN,
  'privacy-officer': ProtoRole.PRIVACY_OFFICER,
  'senior-clinician': ProtoRole.SENIOR_CLINICIAN,
  auditor: ProtoRole.AUDITOR,
};

const STATUS_TO_PROTO: { readonly [S in StaffStatus]: ProtoStatus } = {
  pending_verification: ProtoStatus.PENDING_VERIFICATION,
  pending_approval: ProtoStatus.PENDING_APPROVAL,
  active: ProtoStatus.ACTIVE,
  rejected: ProtoStatus.REJECTED,
  suspended: ProtoStatus.SUSPENDED,
  archived: ProtoStatus.ARCHIVED,
};

const SYSTEM_TO_PROTO: { readonly [S in ClinicalSystem]: StaffClinicalSystem } = {
  'emis-web': StaffClinicalSystem.EMIS_WEB,
  'tpp-systmone': StaffClinicalSystem.TPP_SYSTMONE,
};

export function roleToProto(role: StaffRole): ProtoRole {
  return ROLE_TO_PROTO[role];
}

export function rolesToProto(roles: readonly StaffRole[]): ProtoRole[] {
  return roles.map(roleToProto);
}

/** Names for proto roles; UNSPECIFIED and unknown numbers come back as undefined. */
export function roleFromProto(role: ProtoRole): StaffRole | undefined {
  return (Object.keys(ROLE_TO_PROTO) as StaffRole[]).find((name) => ROLE_TO_PROTO[name] === role);
}

export function statusToProto(status: StaffStatus): ProtoStatus {
  return STATUS_TO_PROTO[status];
}

export function clinicalSystemToProto(system: ClinicalSystem | null): StaffClinicalSystem {
  return system ? SYSTEM_TO_PROTO[system] : StaffClinicalSystem.UNSPECIFIED;
}

export function clinicalSystemFromProto(system: StaffClinicalSystem): ClinicalSystem | undefined {
  return (Object.keys(SYSTEM_TO_PROTO) as ClinicalSystem[]).find(
    (name) => SYSTEM_TO_PROTO[name] === system,
  );
}
