// The Merkle log's storage and its append, the only code that writes leaves, nodes or the tree
// state. No multi-document transactions (FerretDB, Cosmos DB), so an append is ordered steps,
// each idempotent:
//   1. insert the new leaves at positions size, size+1, … (ordered; each position and each
//      eventId can be written once: unique _id and unique eventId)
//   2. record eventId → index (leaf_ids), for look-ups and duplicate checks
//   3. insert the nodes the batch completes (a node is a pure function of immutable leaves, so
//      "already there" is success)
//   4. compare-and-set the tree state from `size` to the new size, frontier and root
// A crash leaves leaves (perhaps ids and nodes) at positions >= the committed size. Every append
// and every start first reconciles: leaves found at size, size+1, … are adopted (steps 2-4
// redone), so the committed state only grows by whole stored leaves. The batch is then inserted
// optimistically: the unique eventId index refuses an event already in the log, after which
// each id is checked against leaf_ids and only new ones are appended. Leaves are never deleted
// or rewritten; a position is filled at most once.
import {
  appendLeaves,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  rootAt,
  type Frontier,
  type NodeId,
  type NodeReader,
  type StoredNode,
} from '@cairn/merkle';
import { isDuplicateKey, type Logger } from '@cairn/platform';
import { LeafKind, type ActorKind, type NewLeaf, type StoredLeaf } from '../domain/leaf';
import {
  bytesOf,
  inParallel,
  insertIgnoringDuplicates,
  type LedgerDatabase,
} from './ledger-database';
import { leafKey, TREE_STATE_ID } from './tree.schema';

export interface TreeState {
  readonly size: number;
  readonly frontier: Frontier;
  readonly root: Uint8Array;
}

export interface AppendOutcome {
  /** Leaves this call added, with their indexes. */
  readonly appended: ReadonlyArray<{ eventId: string; index: number }>;
  /** eventIds that were already in the log (replays, duplicates), including repeats in the batch. */
  readonly duplicates: number;
  /** Leaves adopted from an interrupted earlier append. */
  readonly reconciled: number;
  readonly state: TreeState;
}

/** Test hook: lets a fault-injection test stop the process between the steps of an append. */
export type AppendStep = 'leaves-written' | 'nodes-written';
export type AppendStepHook = (
  step: AppendStep,
  at: { committedSize: number; leaves: number },
) => Promise<void> | void;

const MAX_ATTEMPTS = 8;
/** ~100k nodes ≈ 10 MB: the upper levels every proof touches stay in memory. */
const NODE_CACHE_LIMIT = 100_000;

interface LeafDoc {
  _id: string;
  index: number;
  eventId: string;
  kind: string;
  leafData: unknown;
  leafHash: unknown;
  eventType?: string;
  source?: string;
  eventTime?: Date;
  organisation?: string;
  actorKind?: string;
  actorId?: string;
  patientPseudonym?: string;
  topic?: string;
  integratedAt: Date;
}

export class TreeRepository implements NodeReader {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly nodeCache = new Map<string, Uint8Array>();

  constructor(
    private readonly db: LedgerDatabase,
    private readonly logger?: Logger,
    private readonly onStep?: AppendStepHook,
  ) {}

  /** The committed tree (size 0 when nothing has been appended). */
  async state(): Promise<TreeState> {
    const doc = await this.db.treeState.findById(TREE_STATE_ID).lean();
    if (!doc) return { size: 0, frontier: { size: 0, hashes: [] }, root: emptyRoot() };
    const hashes = (doc.frontier as unknown[]).map(bytesOf);
    return { size: doc.size, frontier: { size: doc.size, hashes }, root: bytesOf(doc.root) };
  }

  /**
   * Appends leaves whose eventId is not yet in the log, in the order given. Safe to call again
   * with the same leaves after any failure; concurrent callers in one process are serialised.
   */
  append(leaves: readonly NewLeaf[]): Promise<AppendOutcome> {
    return this.serialised(() => this.appendNow(leaves));
  }

  /** Completes an append interrupted by a crash. Run at start; append does it too. */
  reconcile(): Promise<number> {
    return this.serialised(async () => (await this.reconcileNow()).reconciled);
  }

  // --- reads -------------------------------------------------------------------------------

  async getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return inParallel(ids, async (id) => {
      const key = nodeKey(id);
      const cached = this.nodeCache.get(key);
      if (cached) return cached;
      // Level 0 is the leaf hash, kept once, on the leaf itself.
      const doc =
        id.level === 0
          ? await this.db.leaves.findById(leafKey(id.index), { leafHash: 1 }).lean()
          : await this.db.nodes.findById(key).lean();
      if (!doc) throw new Error(`node ${key} is not stored`);
      const hash = bytesOf('leafHash' in doc ? doc.leafHash : doc.hash);
      // Nodes never change once stored, so caching them is always safe.
      if (this.nodeCache.size >= NODE_CACHE_LIMIT) {
        const oldest = this.nodeCache.keys().next().value;
        if (oldest !== undefined) this.nodeCache.delete(oldest);
      }
      this.nodeCache.set(key, hash);
      return hash;
    });
  }

  rootAt(size: number): Promise<Uint8Array> {
    return rootAt(size, this);
  }

  inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    return inclusionProof(index, size, this);
  }

  consistencyProof(first: number, second: number): Promise<Uint8Array[]> {
    return consistencyProof(first, second, this);
  }

  /** A committed leaf by index (undefined past the committed size). */
  async leafByIndex(index: number, committedSize?: number): Promise<StoredLeaf | undefined> {
    const size = committedSize ?? (await this.state()).size;
    if (index >= size) return undefined;
    const doc = await this.db.leaves.findById(leafKey(index)).lean<LeafDoc>();
    return doc ? toLeaf(doc) : undefined;
  }

  /** A committed leaf by eventId. */
  async leafByEventId(eventId: string): Promise<StoredLeaf | undefined> {
    const id = await this.db.leafIds.findById(eventId).lean();
    return id ? this.leafByIndex(id.index) : undefined;
  }

  /** Committed leaves in [from, to), in index order (by position, so no collection scan). */
  async leavesInRange(from: number, to: number): Promise<StoredLeaf[]> {
    const indexes = Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
    const docs = await inParallel(indexes, (i) =>
      this.db.leaves.findById(leafKey(i)).lean<LeafDoc>(),
    );
    return docs.filter((d): d is LeafDoc => d !== null).map(toLeaf);
  }

  /** Committed leaves matching a filter, ascending from `afterIndex` (exclusive). */
  async findLeaves(
    filter: LeafFilter,
    below: number,
    afterIndex: number,
    limit: number,
  ): Promise<StoredLeaf[]> {
    // A filtered search scans on FerretDB (no index use there); MongoDB uses the indexes.
    const query: Record<string, unknown> = { index: { $gt: afterIndex, $lt: below } };
    if (filter.organisation !== undefined) query.organisation = filter.organisation;
    if (filter.patientPseudonym !== undefined) query.patientPseudonym = filter.patientPseudonym;
    if (filter.actorId !== undefined) query.actorId = filter.actorId;
    if (filter.eventType !== undefined) query.eventType = filter.eventType;
    if (filter.from !== undefined || filter.to !== undefined) {
      query.eventTime = {
        ...(filter.from ? { $gte: filter.from } : {}),
        ...(filter.to ? { $lt: filter.to } : {}),
      };
    }
    const docs = await this.db.leaves.find(query).sort({ index: 1 }).limit(limit).lean<LeafDoc[]>();
    return docs.map(toLeaf);
  }

  /** How many leaves hold each eventId (a test's exactly-once check reads every stored leaf). */
  async countByEventId(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for await (const doc of this.db.leaves.find({}, { eventId: 1 }).lean().cursor()) {
      counts.set(doc.eventId, (counts.get(doc.eventId) ?? 0) + 1);
    }
    return counts;
  }

  // --- the append path ---------------------------------------------------------------------

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendNow(leaves: readonly NewLeaf[]): Promise<AppendOutcome> {
    const unique = new Map<string, NewLeaf>();
    for (const leaf of leaves) if (!unique.has(leaf.eventId)) unique.set(leaf.eventId, leaf);
    let reconciled = 0;
    for (let attempt = 1; ; attempt++) {
      const reconciledNow = await this.reconcileNow();
      reconciled += reconciledNow.reconciled;
      const state = reconciledNow.state;
      // Optimistic first: the unique eventId index refuses a repeat, so the common case (all
      // new) costs no look-ups; after a refusal (replays, duplicates) each id is checked.
      let fresh = [...unique.values()];
      if (attempt > 1) {
        const known = await inParallel(fresh, (leaf) =>
          this.db.leafIds.findById(leaf.eventId).lean(),
        );
        fresh = fresh.filter((_, i) => known[i] === null);
      }
      const duplicates = leaves.length - fresh.length;
      if (fresh.length === 0) return { appended: [], duplicates, reconciled, state };

      const integratedAt = new Date();
      const docs = fresh.map((leaf, i) => toDoc(leaf, state.size + i, integratedAt));
      try {
        await this.db.leaves.collection.insertMany(docs as never[], { ordered: true });
      } catch (error) {
        // An event already in the log, or another writer took these positions. Leaves inserted
        // before the refusal are adopted by the next reconcile; then every id is checked.
        if (!isDuplicateKey(error) || attempt >= MAX_ATTEMPTS) throw error;
        if (attempt > 1) {
          // Checked and still refused: an event stored without its leaf_ids entry. Repair it.
          await this.repairLeafIds(fresh.map((l) => l.eventId));
        }
        continue;
      }
      await this.onStep?.('leaves-written', { committedSize: state.size, leaves: fresh.length });
      await this.recordLeafIds(docs);
      const next = await this.advance(
        state,
        fresh.map((l) => l.leafHash),
      );
      if (!next) {
        if (attempt >= MAX_ATTEMPTS) throw new Error('tree state kept changing under the append');
        continue; // someone else advanced the state (adopting our leaves); recheck
      }
      return {
        appended: fresh.map((leaf, i) => ({ eventId: leaf.eventId, index: state.size + i })),
        duplicates,
        reconciled,
        state: next,
      };
    }
  }

  private async reconcileNow(): Promise<{ state: TreeState; reconciled: number }> {
    for (let attempt = 1; ; attempt++) {
      const state = await this.state();
      const pending = await this.pendingLeaves(state.size);
      if (pending.length === 0) return { state, reconciled: 0 };
      await this.recordLeafIds(pending);
      const next = await this.advance(
        state,
        pending.map((d) => bytesOf(d.leafHash)),
      );
      if (next) {
        this.logger?.info(
          { from: state.size, to: next.size },
          'adopted leaves of an interrupted append',
        );
        return { state: next, reconciled: pending.length };
      }
      if (attempt >= MAX_ATTEMPTS) throw new Error('tree state kept changing under reconcile');
    }
  }

  /** Leaves stored at size, size+1, … (left by an interrupted append), probed by position. */
  private async pendingLeaves(size: number): Promise<LeafDoc[]> {
    const found: LeafDoc[] = [];
    for (let width = 1; ; width = Math.min(width * 4, 1024)) {
      const from = size + found.length;
      const batch = await Promise.all(
        Array.from({ length: width }, (_, i) =>
          this.db.leaves
            .findById(leafKey(from + i), { leafHash: 1, eventId: 1, index: 1 })
            .lean<LeafDoc>(),
        ),
      );
      for (const doc of batch) {
        if (!doc) return found;
        found.push(doc);
      }
    }
  }

  private async recordLeafIds(
    docs: ReadonlyArray<Pick<LeafDoc, 'eventId' | 'index'>>,
  ): Promise<void> {
    await insertIgnoringDuplicates(
      this.db.leafIds.collection,
      docs.map((d) => ({ _id: d.eventId, index: d.index })),
    );
  }

  /** The slow path: finds stored leaves by eventId with a query and records their ids. */
  private async repairLeafIds(eventIds: readonly string[]): Promise<void> {
    const { size } = await this.state();
    const docs = await this.db.leaves
      .find({ eventId: { $in: eventIds }, index: { $lt: size } }, { eventId: 1, index: 1 })
      .lean<LeafDoc[]>();
    await this.recordLeafIds(docs);
  }

  /** Steps 3 and 4: nodes, then the compare-and-set. Undefined if the state moved meanwhile. */
  private async advance(
    state: TreeState,
    leafHashes: readonly Uint8Array[],
  ): Promise<TreeState | undefined> {
    const result = appendLeaves(state.frontier, leafHashes);
    await this.writeNodes(result.nodes);
    await this.onStep?.('nodes-written', { committedSize: state.size, leaves: leafHashes.length });
    const frontier = result.frontier.hashes.map((h) => Buffer.from(h));
    const update = {
      $set: {
        size: result.frontier.size,
        frontier,
        root: Buffer.from(result.root),
        updatedAt: new Date(),
      },
    };
    let matched: number;
    if (state.size === 0) {
      // The first append creates the document; a concurrent creator makes this a duplicate key.
      try {
        const res = await this.db.treeState.collection.updateOne(
          { _id: TREE_STATE_ID as never, size: 0 },
          update,
          { upsert: true },
        );
        matched = res.matchedCount + res.upsertedCount;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        matched = 0;
      }
    } else {
      const res = await this.db.treeState.collection.updateOne(
        { _id: TREE_STATE_ID as never, size: state.size },
        update,
      );
      matched = res.matchedCount;
    }
    if (matched === 0) return undefined;
    return { size: result.frontier.size, frontier: result.frontier, root: result.root };
  }

  private async writeNodes(nodes: readonly StoredNode[]): Promise<void> {
    // A node's hash is fixed by leaves that are never rewritten, so a node already stored (by an
    // interrupted append, or another replica adopting the same leaves) is the same node.
    await insertIgnoringDuplicates(
      this.db.nodes.collection,
      nodes
        .filter((n) => n.level > 0)
        .map((n) => ({
          _id: nodeKey(n),
          level: n.level,
          index: n.index,
          hash: Buffer.from(n.hash),
        })),
    );
  }
}

export interface LeafFilter {
  readonly organisation?: string;
  readonly patientPseudonym?: string;
  readonly actorId?: string;
  readonly eventType?: string;
  readonly from?: Date;
  readonly to?: Date;
}

function nodeKey({ level, index }: NodeId): string {
  return `${level}:${index}`;
}

function toDoc(leaf: NewLeaf, index: number, integratedAt: Date): LeafDoc {
  return {
    _id: leafKey(index),
    index,
    eventId: leaf.eventId,
    kind: leaf.kind,
    leafData: Buffer.from(leaf.leafData),
    leafHash: Buffer.from(leaf.leafHash),
    eventType: leaf.eventType,
    source: leaf.source,
    ...(leaf.eventTime ? { eventTime: leaf.eventTime } : {}),
    organisation: leaf.organisation,
    ...(leaf.actor ? { actorKind: leaf.actor.kind, actorId: leaf.actor.id } : {}),
    patientPseudonym: leaf.patientPseudonym,
    topic: leaf.topic,
    integratedAt,
  };
}

function toLeaf(doc: LeafDoc): StoredLeaf {
  return {
    index: doc.index,
    eventId: doc.eventId,
    kind: doc.kind as LeafKind,
    leafData: bytesOf(doc.leafData),
    leafHash: bytesOf(doc.leafHash),
    eventType: doc.eventType ?? '',
    source: doc.source ?? '',
    eventTime: doc.eventTime ?? undefined,
    organisation: doc.organisation ?? '',
    actor:
      doc.actorKind !== undefined
        ? { kind: doc.actorKind as ActorKind, id: doc.actorId ?? '' }
        : undefined,
    patientPseudonym: doc.patientPseudonym ?? '',
    topic: doc.topic ?? '',
    integratedAt: doc.integratedAt,
  };
}
