// The gateway's erasure records (collection `erasures`, _id = the order's erasure_id): the shared
// record of @cairn/events (ErasureRecords), which carries the ErasureCompleted answers in its
// outbox. No patient data.
import { ensureCollections } from '@cairn/platform';
import { createErasureRecordSchema, type ErasureRecordDocument } from '@cairn/events';
import type { Connection, Model } from 'mongoose';

const MODEL_NAME = 'GatewayErasure';

/** The connection's erasure model (compiled once per connection). */
export function erasureRecords(connection: Connection): Model<ErasureRecordDocument> {
  const existing = connection.models[MODEL_NAME] as Model<ErasureRecordDocument> | undefined;
  return (
    existing ??
    connection.model<ErasureRecordDocument>(MODEL_NAME, createErasureRecordSchema(), 'erasures')
  );
}

/** Creates the collection and its outbox index; another replica creating it first is fine. */
export async function ensureErasureRecords(model: Model<ErasureRecordDocument>): Promise<void> {
  await ensureCollections([model]);
}
