// The Merkle log in four collections:
//   leaves      one document per leaf; _id is the leaf index as 16 zero-padded digits (so every
//               position is written once), eventId is unique (exactly once)
//   leaf_ids    eventId → index, for look-ups by event id
//   nodes       perfect-subtree hashes by (level, index), _id "level:index", levels >= 1 (level 0
//               is each leaf's own leafHash)
//   tree_state  one document: committed size, frontier and root, advanced by compare-and-set
// Every hot read is an _id equality on a string, which MongoDB and Cosmos DB answer from the _id
// index. FerretDB 1.24 on SQLite (local, CI) scans even for those (explain: "SCAN <table>"), so
// there a read costs time linear in the collection's size; see README "Benchmarks".
// A leaf or node at a position >= the committed size is not part of the log yet; see
// TreeRepository for how a crash between the writes is reconciled.
import { Schema } from 'mongoose';

export const leafSchema = new Schema(
  {
    _id: { type: String, required: true },
    index: { type: Number, required: true },
    eventId: { type: String, required: true },
    kind: { type: String, required: true },
    leafData: { type: Buffer, required: true },
    leafHash: { type: Buffer, required: true },
    eventType: { type: String, default: '' },
    source: { type: String, default: '' },
    eventTime: { type: Date },
    organisation: { type: String, default: '' },
    actorKind: { type: String },
    actorId: { type: String },
    patientPseudonym: { type: String, default: '' },
    topic: { type: String, default: '' },
    integratedAt: { type: Date, required: true },
  },
  { versionKey: false, _id: false },
);
leafSchema.index({ eventId: 1 }, { unique: true });
leafSchema.index({ organisation: 1, index: 1 });
leafSchema.index({ patientPseudonym: 1, index: 1 });

export const leafIdSchema = new Schema(
  {
    /** The eventId. */
    _id: { type: String, required: true },
    index: { type: Number, required: true },
  },
  { versionKey: false, _id: false },
);

/** A leaf document's _id: its index as 16 digits, so string order is index order. */
export function leafKey(index: number): string {
  return String(index).padStart(16, '0');
}

export const nodeSchema = new Schema(
  {
    _id: { type: String, required: true },
    level: { type: Number, required: true },
    index: { type: Number, required: true },
    hash: { type: Buffer, required: true },
  },
  { versionKey: false, _id: false },
);

export const TREE_STATE_ID = 'tree';

export const treeStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    size: { type: Number, required: true },
    frontier: { type: [Buffer], required: true },
    root: { type: Buffer, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, _id: false },
);
