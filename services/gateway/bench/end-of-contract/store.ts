// Raw database access for the bench's seeding, its storage floor and its checks: the MongoDB
// driver on the same FerretDB the services use. Nothing here knows a service's documents; the
// seed-*.ts modules do.
import { MongoClient, type Collection, type Db, type Document, type Filter } from 'mongodb';

export interface Database {
  readonly db: Db;
  close(): Promise<void>;
}

export async function openDatabase(url: string): Promise<Database> {
  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 10_000 });
  return { db: client.db(), close: () => client.close() };
}

/** Inserts in chunks (unordered: FerretDB takes a few thousand documents per insert quickly). */
export async function insertAll<T extends Document>(
  collection: Collection<T>,
  docs: readonly T[],
  chunk = 2_000,
): Promise<void> {
  for (let start = 0; start < docs.length; start += chunk) {
    await collection.insertMany(docs.slice(start, start + chunk) as never[], { ordered: false });
  }
}

/**
 * FerretDB 1.24 on SQLite refuses a delete that removes more than 32,766 documents in one
 * statement ("too many SQL variables"): larger raw deletes go in chunks of this many ids.
 */
export const FERRETDB_DELETE_LIMIT = 30_000;

/** One raw deletion of the floor: what matches `filter`, or the documents whose `field` is in `ids`. */
export type FloorTarget =
  | { readonly collection: string; readonly filter: Filter<Document>; readonly expected: number }
  | { readonly collection: string; readonly field: string; readonly ids: readonly string[] };

/**
 * The storage floor for one target: a single deleteMany when FerretDB accepts it, else chunks of
 * ids. Returns how many documents were deleted.
 */
export async function rawDelete(db: Db, target: FloorTarget): Promise<number> {
  const collection = db.collection(target.collection);
  if ('filter' in target && target.expected <= FERRETDB_DELETE_LIMIT) {
    return (await collection.deleteMany(target.filter)).deletedCount;
  }
  let deleted = 0;
  if ('ids' in target) {
    for (let start = 0; start < target.ids.length; start += FERRETDB_DELETE_LIMIT) {
      const ids = target.ids.slice(start, start + FERRETDB_DELETE_LIMIT);
      deleted += (await collection.deleteMany({ [target.field]: { $in: ids } })).deletedCount;
    }
    return deleted;
  }
  for (;;) {
    const ids = (
      await collection
        .find(target.filter, { projection: { _id: 1 } })
        .limit(FERRETDB_DELETE_LIMIT)
        .toArray()
    ).map((d) => d._id);
    if (ids.length === 0) return deleted;
    deleted += (await collection.deleteMany({ _id: { $in: ids } })).deletedCount;
  }
}

/** How many documents match (a scan on FerretDB; used for the checks only). */
export async function count(db: Db, collection: string, filter: Filter<Document>): Promise<number> {
  return db.collection(collection).countDocuments(filter);
}

/** How many of `ids` are still the `field` of some document of the collection. */
export async function countIn(
  db: Db,
  collection: string,
  field: string,
  ids: readonly string[],
): Promise<number> {
  const wanted = new Set(ids);
  let found = 0;
  for await (const doc of db.collection(collection).find({}, { projection: { [field]: 1 } })) {
    if (wanted.has(String(doc[field]))) found++;
  }
  return found;
}
