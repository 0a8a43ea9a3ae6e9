// The staff account document. One document per account carries everything that must change
// atomically with it: status, roles, credentials, the verification code, the TOTP seed and the
// account's unpublished events (outbox).
import { Schema } from 'mongoose';
import { outboxPlugin } from '@cairn/events';

export interface StaffDocument {
  _id: string;
  organisation: string | null;
  email: string;
  displayName: string;
  status: string;
  roles: string[];
  platformRoles: string[];
  clinicalSystem: string | null;
  clinicalUserId: string | null;
  passwordHash: string;
  designatedAdministrator: boolean;
  verification?: { codeHash: string; expiresAt: Date; attempts: number } | null;
  totp?: { sealedSecret: string; enrolledAt: Date; lastStep: number } | null;
  totpPending?: { sealedSecret: string; createdAt: Date } | null;
  enrolmentTicket?: { hash: string; expiresAt: Date } | null;
  acceptedPolicyVersion: string | null;
  acceptedPolicyAt?: Date | null;
  decidedBy?: string | null;
  decidedAt?: Date | null;
  decisionReason?: string | null;
  registeredAt: Date;
  /** The OIDC provider's subject (CIS2: the user's UUID) linked to this account, if any. */
  oidcSubject?: string | null;
}

export const staffSchema = new Schema<StaffDocument>(
  {
    _id: { type: String, required: true },
    organisation: { type: String, default: null },
    email: { type: String, required: true },
    displayName: { type: String, required: true },
    status: { type: String, required: true },
    roles: { type: [String], default: [] },
    platformRoles: { type: [String], default: [] },
    clinicalSystem: { type: String, default: null },
    clinicalUserId: { type: String, default: null },
    passwordHash: { type: String, required: true },
    designatedAdministrator: { type: Boolean, default: false },
    verification: { type: Schema.Types.Mixed, default: null },
    totp: { type: Schema.Types.Mixed, default: null },
    totpPending: { type: Schema.Types.Mixed, default: null },
    enrolmentTicket: { type: Schema.Types.Mixed, default: null },
    acceptedPolicyVersion: { type: String, default: null },
    acceptedPolicyAt: { type: Date, default: null },
    decidedBy: { type: String, default: null },
    decidedAt: { type: Date, default: null },
    decisionReason: { type: String, default: null },
    registeredAt: { type: Date, required: true },
    oidcSubject: { type: String, default: null },
  },
  { versionKey: false, minimize: false },
);
staffSchema.plugin(outboxPlugin);
staffSchema.index({ email: 1 }, { unique: true, name: 'email_unique' });
staffSchema.index({ organisation: 1, status: 1 }, { name: 'organisation_status' });
staffSchema.index(
  { organisation: 1, clinicalSystem: 1, clinicalUserId: 1 },
  { name: 'organisation_clinical_user' },
);
staffSchema.index({ 'enrolmentTicket.hash': 1 }, { name: 'enrolment_ticket' });
staffSchema.index({ organisation: 1, oidcSubject: 1 }, { name: 'organisation_oidc_subject' });
