import { generateKeyPairSync } from 'node:crypto';
import { canonicalJson } from '@cairn/platform';
import { keyIdOf, signCertificate, verifyCertificate } from './certificate';
import { holdCovers, outstanding, retryDelay, type Erasure } from './erasure';

const signature = (staffId: string, role: 'caldicott-guardian' | 'senior-clinician') => ({
  staffId,
  role,
  signedAt: new Date('2026-01-01T10:00:00Z'),
  authenticatedAt: new Date('2026-01-01T09:59:00Z'),
});

const erasure: Erasure = {
  erasureId: '0190a3c4-0000-7000-8000-000000000001',
  organisation: 'A81001',
  scope: { kind: 'patient', nhsNumber: '9990000018' },
  grounds: 'court-order',
  justification: 'Order 123',
  status: 'in-progress',
  raisedBy: signature('staff-cg', 'caldicott-guardian'),
  cosignedBy: signature('staff-sc', 'senior-clinician'),
  participants: ['media-vault', 'audit-ledger'],
  answers: [
    {
      participant: 'media-vault',
      itemsErased: 3,
      summary: '3 blobs',
      completedAt: new Date('2026-01-01T10:01:00Z'),
    },
    {
      participant: 'audit-ledger',
      itemsErased: 7,
      summary: 'key destroyed',
      completedAt: new Date('2026-01-01T10:02:00Z'),
    },
  ],
  orderedAt: new Date('2026-01-01T10:00:00Z'),
  orderAttempts: 1,
};

describe('certificate of destruction', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');

  it('verifies with the service key and fails with another key or altered bytes', () => {
    const cert = signCertificate(erasure, new Date('2026-01-01T10:03:00Z'), privateKey);
    expect(cert.keyId).toBe(keyIdOf(publicKey));
    expect(verifyCertificate(cert.json, cert.signature, publicKey)).toBe(true);
    expect(verifyCertificate(cert.json, cert.signature, other.publicKey)).toBe(false);
    const altered = Buffer.from(
      cert.json.toString('utf8').replace('"itemsErased":3', '"itemsErased":4'),
    );
    expect(verifyCertificate(altered, cert.signature, publicKey)).toBe(false);
    const body = JSON.parse(cert.json.toString('utf8'));
    expect(body.participants.map((p: { participant: string }) => p.participant)).toEqual([
      'audit-ledger',
      'media-vault',
    ]);
    expect(cert.json.toString('utf8')).toBe(canonicalJson(body));
  });

  it('cannot be issued while a participant is outstanding', () => {
    const partial = { ...erasure, answers: erasure.answers.slice(0, 1) };
    expect(outstanding(partial)).toEqual(['audit-ledger']);
    expect(() => signCertificate(partial, new Date(), privateKey)).toThrow(/not complete/);
  });
});

describe('saga helpers', () => {
  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((a) => retryDelay(a, 1000, 5000))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ]);
  });

  it('lets an organisation hold cover everything and a patient hold cover that patient and whole-organisation erasure', () => {
    const patient = { kind: 'patient' as const, nhsNumber: '9990000018' };
    const other = { kind: 'patient' as const, nhsNumber: '9990000026' };
    const org = { kind: 'organisation' as const };
    expect(holdCovers(org, patient)).toBe(true);
    expect(holdCovers(patient, patient)).toBe(true);
    expect(holdCovers(patient, org)).toBe(true);
    expect(holdCovers(patient, other)).toBe(false);
  });
});
