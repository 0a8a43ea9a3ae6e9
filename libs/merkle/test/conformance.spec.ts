// RFC 6962 / RFC 9162 conformance: every inclusion and consistency vector from the shared
// folder, one test per file. Happy paths must verify; every wantErr variant must be rejected with
// a ProofError (not a crash of some other kind).
import { ProofError, verifyConsistency, verifyInclusion } from '../src';
import {
  b64,
  loadVectors,
  type ConsistencyVector,
  type InclusionVector,
  type VectorFile,
} from './vectors';

// The folder held 98 of each when this was written; fewer means a broken checkout.
const inclusion = loadVectors<InclusionVector>('inclusion', 98);
const consistency = loadVectors<ConsistencyVector>('consistency', 98);

function expectOutcome(file: VectorFile<{ wantErr: boolean }>, verify: () => void): void {
  if (file.vector.wantErr) {
    expect(verify).toThrow(ProofError);
  } else {
    expect(verify).not.toThrow();
  }
}

describe('inclusion vectors', () => {
  test.each(inclusion.map((f) => [f.name, f] as const))('%s', (_name, file) => {
    const v = file.vector;
    expectOutcome(file, () =>
      verifyInclusion(
        v.leafIdx,
        v.treeSize,
        b64(v.leafHash),
        (v.proof ?? []).map(b64),
        b64(v.root),
      ),
    );
  });
});

describe('consistency vectors', () => {
  test.each(consistency.map((f) => [f.name, f] as const))('%s', (_name, file) => {
    const v = file.vector;
    expectOutcome(file, () =>
      verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2)),
    );
  });
});

test('the vectors cover both outcomes', () => {
  const all = [...inclusion, ...consistency];
  expect(all.filter((f) => !f.vector.wantErr).length).toBeGreaterThanOrEqual(10);
  expect(all.filter((f) => f.vector.wantErr).length).toBeGreaterThanOrEqual(150);
});
