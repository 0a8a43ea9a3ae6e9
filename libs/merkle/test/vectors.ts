// Locates and loads the shared RFC 6962 proof vectors (../shared/testdata/merkle-vectors beside
// the repository; see its README.md for the format). Missing vectors fail the suite: a
// conformance test that runs on zero files would pass while proving nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

export interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

export interface VectorFile<T> {
  /** Path relative to the vectors folder, e.g. `inclusion/3/happy-path.json`. */
  name: string;
  vector: T;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export const VECTORS_DIR = resolve(repoRoot(), '..', 'shared', 'testdata', 'merkle-vectors');

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Every JSON file under `<vectors>/<kind>`, throwing if there are fewer than `atLeast`. */
export function loadVectors<T>(
  kind: 'inclusion' | 'consistency',
  atLeast: number,
): VectorFile<T>[] {
  const dir = join(VECTORS_DIR, kind);
  if (!existsSync(dir)) {
    throw new Error(
      `Merkle test vectors not found at ${dir}: clone the shared folder beside the repository`,
    );
  }
  const files = jsonFilesUnder(dir);
  if (files.length < atLeast) {
    throw new Error(
      `expected at least ${atLeast} ${kind} vectors in ${dir}, found ${files.length}`,
    );
  }
  return files.map((file) => ({
    name: relative(VECTORS_DIR, file),
    vector: JSON.parse(readFileSync(file, 'utf8')) as T,
  }));
}

export function b64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}
