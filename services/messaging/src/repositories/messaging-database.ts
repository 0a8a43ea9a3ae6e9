// Messaging's own MongoDB database (FerretDB locally): one connection, its models, its indexes.
import { ensureCollections } from '@cairn/platform';
import { createHash } from 'node:crypto';
import mongoose, { type Connection, type Model } from 'mongoose';
import {
  type AccessDoc,
  type BatchDoc,
  type BatchInputDoc,
  type ErasureDoc,
  type FlagDoc,
  type GuardDoc,
  type MessageDoc,
  type RefusalDoc,
  type SandboxDoc,
  type TemplateDoc,
  type UnknownReceiptDoc,
  accessSchema,
  batchInputSchema,
  batchSchema,
  erasureSchema,
  flagSchema,
  guardSchema,
  messageSchema,
  refusalSchema,
  sandboxSchema,
  templateSchema,
  unknownReceiptSchema,
} from './schemas';

export class MessagingDatabase {
  private constructor(readonly connection: Connection) {}

  static async connect(uri: string): Promise<MessagingDatabase> {
    const connection = mongoose.createConnection(uri, {
      autoIndex: false,
      autoCreate: true,
      serverSelectionTimeoutMS: 10_000,
      maxPoolSize: 32,
    });
    await connection.asPromise();
    const db = new MessagingDatabase(connection);
    await db.ensureIndexes();
    return db;
  }

  get messages(): Model<MessageDoc> {
    return this.connection.model<MessageDoc>('Message', messageSchema, 'messages');
  }
  get refusals(): Model<RefusalDoc> {
    return this.connection.model<RefusalDoc>('Refusal', refusalSchema, 'refusals');
  }
  get batches(): Model<BatchDoc> {
    return this.connection.model<BatchDoc>('Batch', batchSchema, 'batches');
  }
  get batchInputs(): Model<BatchInputDoc> {
    return this.connection.model<BatchInputDoc>('BatchInput', batchInputSchema, 'batch_inputs');
  }
  get guards(): Model<GuardDoc> {
    return this.connection.model<GuardDoc>('Guard', guardSchema, 'message_guards');
  }
  get flags(): Model<FlagDoc> {
    return this.connection.model<FlagDoc>('Flag', flagSchema, 'content_flags');
  }
  get templates(): Model<TemplateDoc> {
    return this.connection.model<TemplateDoc>('Template', templateSchema, 'templates');
  }
  get access(): Model<AccessDoc> {
    return this.connection.model<AccessDoc>('Access', accessSchema, 'access_events');
  }
  get unknownReceipts(): Model<UnknownReceiptDoc> {
    return this.connection.model<UnknownReceiptDoc>(
      'UnknownReceipt',
      unknownReceiptSchema,
      'unknown_receipts',
    );
  }
  get sandbox(): Model<SandboxDoc> {
    return this.connection.model<SandboxDoc>('SandboxMessage', sandboxSchema, 'sandbox_messages');
  }

  get erasures(): Model<ErasureDoc> {
    return this.connection.model<ErasureDoc>('Erasure', erasureSchema, 'erasures');
  }

  /** Models whose documents carry outbox events (registered with the relay). */
  get outboxModels(): Model<unknown>[] {
    return [
      this.messages,
      this.refusals,
      this.batches,
      this.flags,
      this.templates,
      this.access,
      this.unknownReceipts,
      this.erasures,
    ] as unknown as Model<unknown>[];
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
    await ensureCollections([...this.outboxModels, this.sandbox, this.batchInputs, this.guards]);
  }
}

/** A stable id from its parts: the same request always names the same document. */
export function derivedId(prefix: string, ...parts: string[]): string {
  return (
    prefix + createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 26)
  );
}
