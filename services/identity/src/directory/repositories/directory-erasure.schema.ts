// directory_erasures: identity's erasure records (one per erasure order, _id = its erasure_id):
// the shared record of @cairn/events (ErasureRecords), which carries the ErasureCompleted answers
// in its outbox. No patient data.
import { ensureCollections } from '@cairn/platform';
import { createErasureRecordSchema, type ErasureRecordDocument } from '@cairn/events';
import type { Connection, Model } from 'mongoose';
import { model } from './mongoose-helpers';

export function directoryErasures(connection: Connection): Model<ErasureRecordDocument> {
  return model(connection, 'DirectoryErasure', createErasureRecordSchema(), 'directory_erasures');
}

export async function ensureDirectoryErasures(
  erasures: Model<ErasureRecordDocument>,
): Promise<void> {
  await ensureCollections([erasures] as unknown as Model<never>[]);
}
