// Retention's own MongoDB database (FerretDB locally): one mongoose connection and its models.
import { ensureCollections } from '@cairn/platform';
import mongoose, { type Connection } from 'mongoose';
import {
  erasureSchema,
  legalHoldSchema,
  patientSchema,
  rulesSchema,
  accessRecordSchema,
  type AccessRecordDocument,
  type ErasureDocument,
  type LegalHoldDocument,
  type PatientDocument,
  type RulesDocument,
} from './retention.schema';

function buildModels(connection: Connection) {
  return {
    erasures: connection.model<ErasureDocument>('Erasure', erasureSchema, 'erasures'),
    legalHolds: connection.model<LegalHoldDocument>('LegalHold', legalHoldSchema, 'legal_holds'),
    patients: connection.model<PatientDocument>('Patient', patientSchema, 'patients'),
    rules: connection.model<RulesDocument>('Rules', rulesSchema, 'rules'),
    accessRecords: connection.model<AccessRecordDocument>(
      'AccessRecord',
      accessRecordSchema,
      'access_records',
    ),
  };
}

export type RetentionModels = ReturnType<typeof buildModels>;

export class RetentionDatabase {
  readonly models: RetentionModels;

  private constructor(readonly connection: Connection) {
    this.models = buildModels(connection);
  }

  static async connect(uri: string): Promise<RetentionDatabase> {
    const connection = mongoose.createConnection(uri, {
      autoIndex: false,
      autoCreate: true,
      serverSelectionTimeoutMS: 10_000,
    });
    await connection.asPromise();
    const db = new RetentionDatabase(connection);
    await db.ensureIndexes();
    return db;
  }

  /** The models whose documents carry an outbox, for the relay. */
  get outboxModels() {
    return Object.values(this.models);
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
