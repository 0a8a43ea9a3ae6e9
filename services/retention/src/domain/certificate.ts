// The certificate of destruction: what was erased, on whose signatures, by which participants,
// as RFC 8785 canonical JSON signed with the service's Ed25519 key. Anyone holding the public key
// can check it (verifyCertificate); the digest and signature are recorded on the audit ledger
// through CertificateOfDestructionIssued.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJsonBytes, type JsonValue } from '@cairn/platform';
import { outstanding, type Certificate, type Erasure } from './erasure';

export const CERTIFICATE_TYPE = 'cairn.retention.certificate-of-destruction.v1';

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

export function publicKeyPem(privateOrPublic: KeyObject): string {
  const pub =
    privateOrPublic.type === 'private' ? createPublicKey(privateOrPublic) : privateOrPublic;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

function signatureJson(s: Erasure['raisedBy']): JsonValue {
  return {
    staffId: s.staffId,
    role: s.role,
    signedAt: s.signedAt.toISOString(),
    authenticatedAt: s.authenticatedAt.toISOString(),
  };
}

export function certificateBody(erasure: Erasure, issuedAt: Date, keyId: string): JsonValue {
  if (outstanding(erasure).length > 0 || !erasure.cosignedBy || !erasure.orderedAt) {
    throw new Error('certificate: the erasure is not complete');
  }
  return {
    type: CERTIFICATE_TYPE,
    erasureId: erasure.erasureId,
    organisation: erasure.organisation,
    scope:
      erasure.scope.kind === 'patient'
        ? { kind: 'patient', nhsNumber: erasure.scope.nhsNumber }
        : { kind: 'organisation' },
    grounds: erasure.grounds,
    raisedBy: signatureJson(erasure.raisedBy),
    cosignedBy: signatureJson(erasure.cosignedBy),
    orderedAt: erasure.orderedAt.toISOString(),
    participants: [...erasure.answers]
      .sort((a, b) => (a.participant < b.participant ? -1 : 1))
      .map((a) => ({
        participant: a.participant,
        // JSON numbers are exact only to 2^53; counts are far below it.
        itemsErased: a.itemsErased,
        summary: a.summary,
        completedAt: a.completedAt.toISOString(),
      })),
    issuedAt: issuedAt.toISOString(),
    keyId,
  };
}

export function signCertificate(erasure: Erasure, issuedAt: Date, key: KeyObject): Certificate {
  const keyId = keyIdOf(createPublicKey(key));
  const json = Buffer.from(canonicalJsonBytes(certificateBody(erasure, issuedAt, keyId)));
  return { json, signature: sign(null, json, key), keyId, issuedAt };
}

export function verifyCertificate(
  json: Uint8Array,
  signature: Uint8Array,
  publicKey: KeyObject | string,
): boolean {
  return verify(null, json, publicKey, signature);
}

export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}
