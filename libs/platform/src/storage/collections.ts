// Creating a service's collections and their declared indexes at start-up, the same way in every
// service. Several replicas (or an earlier start) may create a collection first: that is fine.

/** What this needs of a mongoose model (structural, so any model's typing fits). */
export interface CollectionModel {
  createCollection(): Promise<unknown>;
  createIndexes(): Promise<unknown>;
}

/** MongoDB's NamespaceExists: the collection is already there. */
const NAMESPACE_EXISTS = 48;

export async function ensureCollections(models: readonly CollectionModel[]): Promise<void> {
  for (const model of models) {
    await model.createCollection().catch((error: unknown) => {
      if ((error as { code?: number }).code !== NAMESPACE_EXISTS) throw error;
    });
    await model.createIndexes();
  }
}
