// Small mongoose helpers the directory's repositories share.
import type { Connection, Model, Schema } from 'mongoose';

/** The connection's model of this name, compiled on first use (tests may build several repositories). */
export function model<T>(
  connection: Connection,
  name: string,
  schema: Schema<T>,
  collection: string,
): Model<T> {
  const existing = connection.models[name] as unknown as Model<T> | undefined;
  return existing ?? (connection.model(name, schema, collection) as unknown as Model<T>);
}

/** Creates the collections and their indexes; a collection that exists already is fine. */
export async function ensureCollections(models: readonly Model<never>[]): Promise<void> {
  for (const m of models) {
    await m.createCollection().catch((error: unknown) => {
      // NamespaceExists: another replica (or an earlier start) created it.
      if ((error as { code?: number }).code !== 48) throw error;
    });
    await m.createIndexes();
  }
}

// Shared with every service (libs/platform); re-exported so repositories keep one import.
export { isDuplicateKey } from '@cairn/platform';
