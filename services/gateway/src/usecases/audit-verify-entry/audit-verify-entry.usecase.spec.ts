import { generateKeyPairSync } from 'node:crypto';
import { leafHash, nodeHash, signTreeHead, treeHeadKeyId } from '@cairn/merkle';
import { GatewayErrorCode } from '../../domain/gateway-error';
import type { StaffContext } from '../../domain/staff-context';
import {
  AuditLedger,
  type EntryPage,
  type InclusionProof,
  type LedgerEntry,
  type SignedTreeHead,
} from '../../ports/audit-ledger.port';
import { AuditVerifyEntryUseCase } from './audit-verify-entry.usecase';

const AUDITOR: StaffContext = {
  accessToken: 't',
  staffId: 'auditor-1',
  odsCode: 'A81001',
  roles: ['auditor'],
};

const leafData = [Buffer.from('leaf zero'), Buffer.from('leaf one'), Buffer.from('leaf two')];
const hashes = leafData.map((d) => leafHash(d));
// A tree of two leaves (0 and 1); leaf 2 arrived after the head.
const root = nodeHash(hashes[0]!, hashes[1]!);

class TwoLeafLedger extends AuditLedger {
  head: SignedTreeHead | null = null;
  data = [...leafData];
  proofSibling: Uint8Array | null = null;

  async query(): Promise<EntryPage> {
    return { entries: [], nextPageToken: '' };
  }
  async entry(_t: string, index: number): Promise<LedgerEntry> {
    return {
      index,
      kind: 'event',
      eventId: `e${index}`,
      eventType: 't',
      source: 's',
      eventTime: new Date(),
      organisation: 'A81001',
      actor: '',
      patientPseudonym: '',
      topic: 'x',
      integratedAt: new Date(),
      payloadDigest: new Uint8Array(32),
      leafData: this.data[index]!,
      leafHash: hashes[index]!,
      payload: null,
      payloadErased: false,
    };
  }
  async latestHead() {
    return this.head;
  }
  async inclusionProof(leafIndex: number, treeSize: number): Promise<InclusionProof> {
    const sibling = this.proofSibling ?? hashes[leafIndex === 0 ? 1 : 0]!;
    return { leafIndex, treeSize, leafHash: hashes[leafIndex]!, hashes: [sibling] };
  }
  // eslint-disable-next-line require-yield
  async *exportEntries(): AsyncIterable<Uint8Array> {
    return;
  }
}

function setUp() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const ledger = new TwoLeafLedger();
  const timestamp = new Date('2026-11-23T03:00:00.000Z');
  const head = { treeSize: 2, timestampMs: timestamp.getTime(), rootHash: root };
  ledger.head = {
    treeSize: 2,
    rootHash: root,
    timestamp,
    keyId: treeHeadKeyId(publicKey),
    signature: signTreeHead(head, privateKey),
  };
  return { ledger, publicKey, usecase: new AuditVerifyEntryUseCase(ledger, publicKey) };
}

describe('AuditVerifyEntryUseCase', () => {
  it('verifies an entry against the signed head and names the key', async () => {
    const { usecase, publicKey } = setUp();
    const result = await usecase.execute(AUDITOR, 1);
    expect(result).toEqual({
      outcome: 'verified',
      treeSize: 2,
      signedAt: new Date('2026-11-23T03:00:00.000Z'),
      keyId: treeHeadKeyId(publicKey),
    });
  });

  it('fails when the leaf bytes were changed', async () => {
    const { usecase, ledger } = setUp();
    ledger.data[0] = Buffer.from('leaf zer0');
    const result = await usecase.execute(AUDITOR, 0);
    expect(result.outcome).toBe('failed');
  });

  it('fails when the proof does not lead to the signed root', async () => {
    const { usecase, ledger } = setUp();
    ledger.proofSibling = hashes[2]!;
    const result = await usecase.execute(AUDITOR, 0);
    expect(result).toMatchObject({ outcome: 'failed' });
    expect((result as { reason: string }).reason).toContain('inclusion proof');
  });

  it('fails when the head is signed by another key', async () => {
    const { ledger } = setUp();
    const other = generateKeyPairSync('ed25519').publicKey;
    const result = await new AuditVerifyEntryUseCase(ledger, other).execute(AUDITOR, 0);
    expect(result).toMatchObject({ outcome: 'failed' });
    expect((result as { reason: string }).reason).toContain('signing key');
  });

  it('fails when the signature was tampered with, even under the right key id', async () => {
    const { usecase, ledger } = setUp();
    const signature = Uint8Array.from(ledger.head!.signature);
    signature[0]! ^= 1;
    ledger.head = { ...ledger.head!, signature };
    expect((await usecase.execute(AUDITOR, 0)).outcome).toBe('failed');
  });

  it('says an entry newer than the head cannot be verified yet', async () => {
    const { usecase } = setUp();
    expect((await usecase.execute(AUDITOR, 2)).outcome).toBe('not-yet-signed');
  });

  it('refuses staff who are not auditors', async () => {
    const { usecase } = setUp();
    await expect(usecase.execute({ ...AUDITOR, roles: ['clinician'] }, 0)).rejects.toMatchObject({
      code: GatewayErrorCode.AuditorRequired,
    });
  });
});
