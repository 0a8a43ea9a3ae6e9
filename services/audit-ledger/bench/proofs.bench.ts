// npx nx run audit-ledger:bench-proofs — the two million-leaf figures:
//   (a) inclusion and consistency proof latency (p50/p99) at BENCH_LEAVES leaves (default one
//       million), through the service's proof code path (ReadLedgerUseCase → TreeRepository →
//       libs/merkle) reading from FerretDB;
//   (b) full verification of the same leaves by tools/verifier's own Merkle code (leaf hashes plus
//       the root rebuilt), in hashes/s, beside Node's raw SHA-256 rate in the same run.
// Loading: ingesting a million events through Kafka would take the better part of an hour here,
// so the tree is written straight into the ledger's own collections (LedgerDatabase's `leaves`,
// `nodes`, `tree_state`, same documents and indexes the TreeRepository writes), in bulk: leaf
// bytes are 16 bytes per leaf ("bench-leaf" + index), the level ≥ 1 nodes come from libs/merkle's
// `appendLeaves`, exactly the nodes an append stores. No payloads, keys or leaf_ids (proofs do
// not read them). If loading passes BENCH_LOAD_BUDGET (default 300 s) it stops there and the
// figures are for the size reached, printed plainly. Figures only; nothing is asserted.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import {
  appendLeaves,
  emptyFrontier,
  leafHash,
  verifyConsistency,
  verifyInclusion,
  type Frontier,
} from '@cairn/merkle';
import { up } from '@cairn/infra';
import { uniqueName } from '@cairn/testing';
import { KeyWrapper } from '../src/domain/payload-crypto';
import { LedgerDatabase } from '../src/repositories/ledger-database';
import { PayloadRepository } from '../src/repositories/payload.repository';
import { SubjectKeyRepository } from '../src/repositories/subject-key.repository';
import { TreeHeadRepository } from '../src/repositories/tree-head.repository';
import { TreeRepository } from '../src/repositories/tree.repository';
import { leafKey, TREE_STATE_ID } from '../src/repositories/tree.schema';
import { ReadLedgerUseCase } from '../src/usecases/read-ledger/read-ledger.usecase';

const LEAVES = Number(process.env.BENCH_LEAVES ?? 1_000_000);
const LOAD_BUDGET_MS = Number(process.env.BENCH_LOAD_BUDGET ?? 300) * 1000;
const PROOFS = Number(process.env.BENCH_PROOFS ?? 1000);
const COLD_PROOFS = Number(process.env.BENCH_COLD_PROOFS ?? 200);
/**
 * Wall-clock cap per proof series (inclusion, consistency; the cold series gets a third). FerretDB
 * 1.24 on SQLite scans the collection even for `_id` equality (explain: "SCAN nodes_…"), so a
 * node read costs ~1 ms per thousand documents and a million-leaf proof takes seconds; the run
 * stays bounded and prints how many proofs each figure rests on.
 */
const PROOF_BUDGET_MS = Number(process.env.BENCH_PROOF_BUDGET ?? 120) * 1000;
const CHUNK = 20_000;
const ROOT = path.resolve(__dirname, '../../..');

/** The bench's leaf bytes; the verifier child rebuilds the same ones. */
function benchLeaf(index: number): Buffer {
  const data = Buffer.alloc(16);
  data.write('bench-leaf', 0, 'latin1');
  data.writeUIntBE(index, 10, 6);
  return data;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

function randomSize(max: number): number {
  return 1 + Math.floor(Math.random() * max);
}

async function load(db: LedgerDatabase): Promise<{ frontier: Frontier; root: Uint8Array }> {
  const started = performance.now();
  let frontier = emptyFrontier();
  let root: Uint8Array = new Uint8Array(32);
  let pending: Promise<unknown> = Promise.resolve();
  let lastReport = started;
  while (frontier.size < LEAVES) {
    if (performance.now() - started > LOAD_BUDGET_MS) {
      console.log(
        `load budget (${LOAD_BUDGET_MS / 1000} s) reached at ${frontier.size} leaves: ` +
          `the figures below are for ${frontier.size} leaves, NOT ${LEAVES}`,
      );
      break;
    }
    const from = frontier.size;
    const n = Math.min(CHUNK, LEAVES - from);
    const data = Array.from({ length: n }, (_, i) => benchLeaf(from + i));
    const hashes = data.map((d) => leafHash(d));
    const result = appendLeaves(frontier, hashes);
    frontier = result.frontier;
    root = result.root;
    const integratedAt = new Date();
    const leafDocs = data.map((leafData, i) => ({
      _id: leafKey(from + i),
      index: from + i,
      eventId: `bench-${from + i}`,
      kind: 'event',
      leafData,
      leafHash: Buffer.from(hashes[i]),
      organisation: 'A81001',
      patientPseudonym: '',
      integratedAt,
    }));
    const nodeDocs = result.nodes
      .filter((node) => node.level > 0)
      .map((node) => ({
        _id: `${node.level}:${node.index}`,
        level: node.level,
        index: node.index,
        hash: Buffer.from(node.hash),
      }));
    // One chunk in flight while the next is hashed; leaves and nodes in parallel.
    await pending;
    pending = Promise.all([
      db.leaves.collection.insertMany(leafDocs as never[], { ordered: false }),
      db.nodes.collection.insertMany(nodeDocs as never[], { ordered: false }),
    ]);
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      const rate = Math.round(frontier.size / ((lastReport - started) / 1000));
      console.log(`  … ${frontier.size} leaves (${rate.toLocaleString('en-GB')} leaves/s)`);
    }
  }
  await pending;
  await db.treeState.collection.insertOne({
    _id: TREE_STATE_ID,
    size: frontier.size,
    frontier: frontier.hashes.map((h) => Buffer.from(h)),
    root: Buffer.from(root),
    updatedAt: new Date(),
  } as never);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `loaded ${frontier.size.toLocaleString('en-GB')} leaves + ${(frontier.size - 1).toLocaleString('en-GB')} nodes ` +
      `in ${seconds.toFixed(0)} s (${Math.round(frontier.size / seconds).toLocaleString('en-GB')} leaves/s)`,
  );
  return { frontier, root };
}

function readsOver(db: LedgerDatabase): { reads: ReadLedgerUseCase; tree: TreeRepository } {
  const tree = new TreeRepository(db);
  const reads = new ReadLedgerUseCase(
    tree,
    new TreeHeadRepository(db),
    new SubjectKeyRepository(db),
    new PayloadRepository(db),
    new KeyWrapper(randomBytes(32)),
  );
  return { reads, tree };
}

async function proofLatency(db: LedgerDatabase, size: number, root: Uint8Array): Promise<void> {
  // Warm: one repository for every proof, as in the service (its node cache keeps the upper
  // levels every proof shares).
  const { reads, tree } = readsOver(db);
  const inclusion: number[] = [];
  let deadline = performance.now() + PROOF_BUDGET_MS;
  for (let i = 0; i < PROOFS && performance.now() < deadline; i++) {
    const index = Math.floor(Math.random() * size);
    const started = performance.now();
    const proof = await reads.inclusionProof({ index }, size);
    inclusion.push(performance.now() - started);
    verifyInclusion(index, size, proof.leafHash, proof.hashes, root); // throws if wrong
  }
  const consistency: number[] = [];
  let checked = 0;
  deadline = performance.now() + PROOF_BUDGET_MS;
  for (let i = 0; i < PROOFS && performance.now() < deadline; i++) {
    const first = randomSize(size);
    const started = performance.now();
    const hashes = await reads.consistencyProof(first, size);
    consistency.push(performance.now() - started);
    if (i === 0) {
      verifyConsistency(first, size, hashes, await tree.rootAt(first), root);
      checked++;
    }
  }
  const inc = percentiles(inclusion);
  const con = percentiles(consistency);
  console.log(
    `inclusion proof   (${inclusion.length}, random leaf, size ${size}): p50 ${ms(inc.p50)}  p99 ${ms(inc.p99)}  max ${ms(inc.max)}  (each verified)`,
  );
  console.log(
    `consistency proof (${consistency.length}, random first → ${size}): p50 ${ms(con.p50)}  p99 ${ms(con.p99)}  max ${ms(con.max)}  (${checked} verified against rootAt(first))`,
  );

  // Cold: a fresh repository per proof, so every node is read from FerretDB (a just-started
  // replica, or a tree far larger than the node cache).
  const cold: number[] = [];
  const coldConsistency: number[] = [];
  deadline = performance.now() + PROOF_BUDGET_MS / 3;
  for (let i = 0; i < COLD_PROOFS && performance.now() < deadline; i++) {
    const index = Math.floor(Math.random() * size);
    let started = performance.now();
    await readsOver(db).reads.inclusionProof({ index }, size);
    cold.push(performance.now() - started);
    started = performance.now();
    await readsOver(db).reads.consistencyProof(randomSize(size), size);
    coldConsistency.push(performance.now() - started);
  }
  const c = percentiles(cold);
  const cc = percentiles(coldConsistency);
  console.log(
    `cold caches (${cold.length} each): inclusion p50 ${ms(c.p50)} p99 ${ms(c.p99)}; consistency p50 ${ms(cc.p50)} p99 ${ms(cc.p99)}`,
  );
}

// Run in a plain `node` child, as an auditor runs the verifier: its own dependency-free Merkle
// code (tools/verifier/src/merkle.ts), type-stripped by Node, no swc, no ledger code loaded.
const VERIFIER_SCRIPT = String.raw`
import { createHash, randomBytes } from 'node:crypto';
const { leafHash, RootBuilder } = await import(process.env.VERIFIER_MERKLE);
const n = Number(process.env.N);
const expectedRoot = process.env.ROOT;
function benchLeaf(index) {
  const data = Buffer.alloc(16);
  data.write('bench-leaf', 0, 'latin1');
  data.writeUIntBE(index, 10, 6);
  return data;
}
function run(leafOf) {
  const started = performance.now();
  const builder = new RootBuilder();
  for (let i = 0; i < n; i++) builder.push(leafHash(leafOf(i)));
  const root = Buffer.from(builder.root()).toString('hex');
  return { ms: performance.now() - started, root };
}
function raw(leafOf) {
  const node = randomBytes(65);
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    createHash('sha256').update(leafOf(i)).digest();
    if (i > 0) createHash('sha256').update(node).digest();
  }
  return performance.now() - started;
}
const big = Array.from({ length: 1024 }, () => randomBytes(300));
const out = {};
// The loaded tree's own leaves (16 bytes each): the root must match the ledger's.
const own = run(benchLeaf);
out.own = { ms: own.ms, rootMatches: own.root === expectedRoot, rawMs: raw(benchLeaf) };
// Leaves of a realistic size (~300 bytes of canonical JSON each).
const realistic = run((i) => big[i % 1024]);
out.realistic = { ms: realistic.ms, rawMs: raw((i) => big[i % 1024]) };
console.log(JSON.stringify(out));
`;

function verificationRate(size: number, root: Uint8Array): void {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', VERIFIER_SCRIPT], {
    env: {
      PATH: process.env.PATH ?? '',
      VERIFIER_MERKLE: new URL(`file://${path.join(ROOT, 'tools/verifier/src/merkle.ts')}`).href,
      N: String(size),
      ROOT: Buffer.from(root).toString('hex'),
    },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`verifier child failed:\n${child.stderr}`);
  const out = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as Record<
    'own' | 'realistic',
    { ms: number; rawMs: number; rootMatches?: boolean }
  >;
  const hashes = 2 * size - 1; // a leaf hash per leaf, and n - 1 interior nodes
  const perSecond = (count: number, took: number) => Math.round((count / took) * 1000);
  for (const [name, label] of [
    ['own', 'the loaded tree (16-byte leaves)'],
    ['realistic', '300-byte leaves'],
  ] as const) {
    const r = out[name];
    const verifier = perSecond(hashes, r.ms);
    const raw = perSecond(hashes, r.rawMs);
    console.log(
      `full verification, ${label}: ${size} leaves in ${ms(r.ms)}, ` +
        `${verifier.toLocaleString('en-GB')} hashes/s; raw SHA-256 of the same inputs ` +
        `${raw.toLocaleString('en-GB')} hashes/s; ratio ${(verifier / raw).toFixed(2)}` +
        (r.rootMatches === undefined
          ? ''
          : `; root ${r.rootMatches ? 'matches' : 'DOES NOT MATCH'} the ledger's`),
    );
  }
}

async function main(): Promise<void> {
  const e = await up({ say: () => undefined });
  const db = await LedgerDatabase.connect(`${e.mongoUrl}/${uniqueName('ledger-bench-proofs')}`);
  try {
    console.log(`building a ${LEAVES.toLocaleString('en-GB')}-leaf tree in FerretDB …`);
    const { frontier, root } = await load(db);
    await proofLatency(db, frontier.size, root);
    verificationRate(frontier.size, root);
  } finally {
    await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
