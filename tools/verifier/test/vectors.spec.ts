// The verifier's own RFC 9162 code against every shared vector: happy paths verify, every
// hostile variant is rejected.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { VerificationError, verifyConsistency, verifyInclusion } from '../src/merkle.ts';

function vectorsDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) dir = dirname(dir);
  return join(dir, '..', 'shared', 'testdata', 'merkle-vectors');
}

function load(kind: string): Array<[string, Record<string, unknown>]> {
  const root = join(vectorsDir(), kind);
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  if (files.length < 98) throw new Error(`expected the shared ${kind} vectors at ${root}`);
  return files.map((f) => [relative(root, f), JSON.parse(readFileSync(f, 'utf8'))]);
}

const b = (s: unknown) => new Uint8Array(Buffer.from(String(s), 'base64'));
const proof = (p: unknown) => ((p as string[] | null) ?? []).map(b);

function expectOutcome(wantErr: unknown, run: () => void) {
  if (wantErr) expect(run).toThrow(VerificationError);
  else expect(run).not.toThrow();
}

describe('inclusion vectors', () => {
  test.each(load('inclusion'))('%s', (_name, v) => {
    expectOutcome(v.wantErr, () =>
      verifyInclusion(
        Number(v.leafIdx),
        Number(v.treeSize),
        b(v.leafHash),
        proof(v.proof),
        b(v.root),
      ),
    );
  });
});

describe('consistency vectors', () => {
  test.each(load('consistency'))('%s', (_name, v) => {
    expectOutcome(v.wantErr, () =>
      verifyConsistency(Number(v.size1), Number(v.size2), proof(v.proof), b(v.root1), b(v.root2)),
    );
  });
});
