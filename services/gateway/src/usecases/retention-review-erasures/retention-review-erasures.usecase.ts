// Erasure requests for the retention pages: the organisation's requests by status, one request
// with its signatures and per-participant progress, co-signature by a senior clinician,
// rejection with a reason, and the certificate of destruction of a completed request with its
// signature (the certificate bytes exactly as retention signed them).
import { createHash } from 'node:crypto';
import type { StaffContext } from '../../domain/staff-context';
import type { CertificateOfDestruction, Erasure, Retention } from '../../ports/retention.port';
import { reasonOf, type FieldError } from '../retention-shared/retention-forms';
import {
  requireRetentionStaff,
  type RetentionAbilities,
} from '../retention-shared/retention-roles';

export interface ErasureLists {
  readonly awaitingCosign: readonly Erasure[];
  readonly inProgress: readonly Erasure[];
  readonly completed: readonly Erasure[];
  readonly rejected: readonly Erasure[];
  readonly abilities: RetentionAbilities;
}

export interface ErasureView {
  readonly erasure: Erasure;
  readonly abilities: RetentionAbilities;
  /** The viewer raised it (retention will refuse their co-signature). */
  readonly raisedByViewer: boolean;
}

/**
 * The signature next to the certificate, as one small JSON document: everything needed to check
 * the certificate file offline (Ed25519 over its exact bytes).
 */
export interface CertificateSignatureBundle {
  readonly erasureId: string;
  readonly algorithm: 'Ed25519';
  readonly certificateSha256: string;
  readonly signature: string;
  readonly keyId: string;
  readonly publicKeyPem: string;
}

export class RetentionReviewErasuresUseCase {
  constructor(private readonly retention: Retention) {}

  async list(staff: StaffContext): Promise<ErasureLists> {
    const abilities = requireRetentionStaff(staff);
    const all = await this.retention.listErasures(staff.accessToken, []);
    const of = (status: Erasure['status']) => all.filter((e) => e.status === status);
    return {
      awaitingCosign: of('awaiting-cosign'),
      inProgress: of('in-progress'),
      completed: of('completed'),
      rejected: of('rejected'),
      abilities,
    };
  }

  async view(staff: StaffContext, erasureId: string): Promise<ErasureView> {
    const abilities = requireRetentionStaff(staff);
    const erasure = await this.retention.getErasure(staff.accessToken, erasureId);
    return { erasure, abilities, raisedByViewer: erasure.raisedBy?.staffId === staff.staffId };
  }

  async cosign(staff: StaffContext, erasureId: string): Promise<Erasure> {
    requireRetentionStaff(staff);
    return this.retention.cosignErasure(staff.accessToken, erasureId);
  }

  async reject(
    staff: StaffContext,
    erasureId: string,
    reason: string,
  ): Promise<{ ok: true; erasure: Erasure } | { ok: false; errors: FieldError[] }> {
    requireRetentionStaff(staff);
    const checked = reasonOf(reason, 'rejectReason', 'Enter why you are rejecting the request');
    if ('error' in checked) return { ok: false, errors: [checked.error] };
    return {
      ok: true,
      erasure: await this.retention.rejectErasure(staff.accessToken, erasureId, checked.text),
    };
  }

  async certificate(staff: StaffContext, erasureId: string): Promise<CertificateOfDestruction> {
    requireRetentionStaff(staff);
    return this.retention.certificate(staff.accessToken, erasureId);
  }

  async signatureBundle(
    staff: StaffContext,
    erasureId: string,
  ): Promise<CertificateSignatureBundle> {
    const certificate = await this.certificate(staff, erasureId);
    return {
      erasureId,
      algorithm: 'Ed25519',
      certificateSha256: createHash('sha256').update(certificate.certificateJson).digest('hex'),
      signature: Buffer.from(certificate.signature).toString('base64'),
      keyId: certificate.keyId,
      publicKeyPem: certificate.publicKeyPem,
    };
  }
}
