// The vault's own MongoDB database (FerretDB locally): one mongoose connection and its models.
import { ensureCollections } from '@cairn/platform';
import mongoose, { type Connection } from 'mongoose';
import {
  erasureSchema,
  groupSchema,
  objectSchema,
  patientKeySchema,
  rejectionSchema,
  type ErasureDocument,
  type GroupDocument,
  type ObjectDocument,
  type PatientKeyDocument,
  type RejectionDocument,
} from './media.schema';

function buildModels(connection: Connection) {
  return {
    objects: connection.model<ObjectDocument>('MediaObject', objectSchema, 'objects'),
    groups: connection.model<GroupDocument>('Group', groupSchema, 'groups'),
    patientKeys: connection.model<PatientKeyDocument>(
      'PatientKey',
      patientKeySchema,
      'patient_keys',
    ),
    rejections: connection.model<RejectionDocument>('Rejection', rejectionSchema, 'rejections'),
    erasures: connection.model<ErasureDocument>('Erasure', erasureSchema, 'erasures'),
  };
}

export type MediaModels = ReturnType<typeof buildModels>;

export class MediaDatabase {
  readonly models: MediaModels;

  private constructor(readonly connection: Connection) {
    this.models = buildModels(connection);
  }

  static async connect(uri: string): Promise<MediaDatabase> {
    const connection = mongoose.createConnection(uri, {
      autoIndex: false,
      autoCreate: true,
      serverSelectionTimeoutMS: 10_000,
    });
    await connection.asPromise();
    const db = new MediaDatabase(connection);
    await db.ensureIndexes();
    return db;
  }

  /** The models whose documents carry an outbox, for the relay. */
  get outboxModels() {
    const { objects, patientKeys, rejections, erasures } = this.models;
    return [objects, patientKeys, rejections, erasures];
  }

  async ping(): Promise<void> {
    const admin = this.connection.db?.admin();
    if (!admin) throw new Error('database is not connected');
    await admin.ping();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private async ensureIndexes(): Promise<void> {
    await ensureCollections(Object.values(this.models));
  }
}
