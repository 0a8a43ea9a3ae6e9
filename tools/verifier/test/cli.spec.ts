// The CLI as an auditor runs it: plain `node` on the TypeScript source (type stripping), no build.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExport, editLeafByte } from './support.ts';

const CLI = join(__dirname, '..', 'src', 'cli.ts');

function run(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: result.status, out: result.stdout + result.stderr };
}

describe('cairn-verify CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-verify-'));

  it('exits 0 on a good export and 1 naming the bad leaf on an edited one', async () => {
    const exp = await buildExport(6);
    const key = join(dir, 'ledger.pem');
    writeFileSync(key, exp.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, 'good.ndjson'), exp.text());
    const good = run([join(dir, 'good.ndjson'), '--key', key]);
    expect(good).toMatchObject({ code: 0 });
    expect(good.out).toContain('root recomputed');

    editLeafByte(exp.lines[2 + 5], 2);
    writeFileSync(join(dir, 'bad.ndjson'), exp.text());
    const bad = run([join(dir, 'bad.ndjson'), '--key', key]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('FAILED at leaf 5');
  });

  it('exits 2 when used wrongly', () => {
    expect(run([]).code).toBe(2);
    expect(run(['missing.ndjson', '--key', 'missing.pem']).code).toBe(2);
  });
});
