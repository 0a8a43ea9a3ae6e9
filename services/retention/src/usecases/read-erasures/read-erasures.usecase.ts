// Reads for the Caldicott Guardian, Privacy Officer and senior clinicians: one request with its
// progress, the organisation's list, and the certificate of a completed erasure.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { keyIdOf, publicKeyPem } from '../../domain/certificate';
import type { Certificate, Erasure, ErasureStatus } from '../../domain/erasure';
import { RetentionError, RetentionErrorCode } from '../../domain/retention-error';
import { organisationOf, REVIEWER_ROLES, roleFor, type Staff } from '../../domain/staff-signer';
import type { ErasureRepository } from '../../repositories/erasure.repository';

export interface CertificateView extends Certificate {
  readonly publicKeyPem: string;
}

export class ReadErasuresUseCase {
  private readonly publicKey: string;
  private readonly keyId: string;

  constructor(
    private readonly erasures: ErasureRepository,
    signingKey: KeyObject,
  ) {
    this.publicKey = publicKeyPem(signingKey);
    this.keyId = keyIdOf(createPublicKey(signingKey));
  }

  async get(staff: Staff, erasureId: string): Promise<Erasure> {
    roleFor(staff, REVIEWER_ROLES);
    const erasure = await this.erasures.get(organisationOf(staff), erasureId.toLowerCase());
    if (!erasure) throw new RetentionError(RetentionErrorCode.NotFound, 'No such erasure request.');
    return erasure;
  }

  async list(staff: Staff, statuses: readonly ErasureStatus[]): Promise<Erasure[]> {
    roleFor(staff, REVIEWER_ROLES);
    return this.erasures.list(organisationOf(staff), statuses);
  }

  async certificate(staff: Staff, erasureId: string): Promise<CertificateView> {
    const erasure = await this.get(staff, erasureId);
    if (!erasure.certificate) {
      throw new RetentionError(
        RetentionErrorCode.NotFound,
        'There is no certificate until every service has confirmed the erasure.',
      );
    }
    return { ...erasure.certificate, publicKeyPem: this.publicKey };
  }

  /** The id of the key certificates are signed with now. */
  get currentKeyId(): string {
    return this.keyId;
  }
}
