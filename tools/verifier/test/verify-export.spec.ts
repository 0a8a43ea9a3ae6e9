import { generateKeyPairSync } from 'node:crypto';
import { leafHash, treeHeadSignedBytes as ledgerEncoding } from '@cairn/merkle';
import { treeHeadSignedBytes } from '../src/merkle.ts';
import { verifyExport } from '../src/verify-export.ts';
import { buildExport, editLeafByte } from './support.ts';

describe('verifyExport', () => {
  it('accepts an untouched complete export and recomputes its root', async () => {
    const exp = await buildExport(13);
    const report = verifyExport(exp.text(), exp.publicKey);
    expect(report).toMatchObject({ ok: true, treeSize: 13, complete: true, leavesChecked: 13 });
  });

  it('names the leaf whose byte was edited', async () => {
    const exp = await buildExport(13);
    editLeafByte(exp.lines[2 + 7], 3);
    const report = verifyExport(exp.text(), exp.publicKey);
    expect(report.ok).toBe(false);
    expect(report.firstBadIndex).toBe(7);
  });

  it('names the leaf even when its recorded hash was edited to match', async () => {
    const exp = await buildExport(9);
    const line = exp.lines[2 + 4];
    editLeafByte(line, 0);
    line.leafHash = Buffer.from(leafHash(Buffer.from(String(line.leafData), 'base64'))).toString(
      'base64',
    );
    expect(verifyExport(exp.text(), exp.publicKey).firstBadIndex).toBe(4);
  });

  it('names the last index when the last leaf of a complete export was deleted', async () => {
    const exp = await buildExport(10);
    exp.lines.pop();
    const report = verifyExport(exp.text(), exp.publicKey);
    expect(report.ok).toBe(false);
    expect(report.firstBadIndex).toBe(9);
  });

  it('accepts a filtered export by its inclusion proofs alone', async () => {
    const exp = await buildExport(10, { complete: false });
    exp.lines.splice(3, 4);
    expect(verifyExport(exp.text(), exp.publicKey)).toMatchObject({ ok: true, leavesChecked: 6 });
  });

  it('rejects a head signed with another key', async () => {
    const exp = await buildExport(5);
    const other = generateKeyPairSync('ed25519');
    const report = verifyExport(exp.text(), other.publicKey);
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toContain('signature does not verify');
  });

  it('rejects a head whose size was changed after signing', async () => {
    const exp = await buildExport(5);
    exp.lines[1].treeSize = 4;
    expect(verifyExport(exp.text(), exp.publicKey).ok).toBe(false);
  });

  it('encodes signed heads exactly as the ledger does', () => {
    const head = {
      treeSize: 123456789,
      timestampMs: 1_700_000_000_001,
      rootHash: new Uint8Array(32).fill(9),
    };
    expect(treeHeadSignedBytes(head)).toEqual(ledgerEncoding(head));
  });
});
