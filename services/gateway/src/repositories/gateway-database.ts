// The gateway's own MongoDB database (FerretDB locally): one mongoose connection, its models,
// and the indexes the repositories rely on.
import { ensureCollections } from '@cairn/platform';
import mongoose, { type Connection } from 'mongoose';
import { patientLinkSchema, type PatientLinkDocument } from './patient-link.schema';
import { patientSessionSchema, type PatientSessionDocument } from './patient-session.schema';
import { staffViewSchema, type StaffViewDocument } from './staff-view.schema';
import { staffSessionSchema, type StaffSessionDocument } from './staff-session.schema';

export class GatewayDatabase {
  readonly links;
  readonly patientSessions;
  readonly staffSessions;
  readonly staffViews;

  private constructor(readonly connection: Connection) {
    this.links = connection.model<PatientLinkDocument>(
      'PatientLink',
      patientLinkSchema,
      'patient_links',
    );
    this.patientSessions = connection.model<PatientSessionDocument>(
      'PatientSession',
      patientSessionSchema,
      'patient_sessions',
    );
    this.staffSessions = connection.model<StaffSessionDocument>(
      'StaffSession',
      staffSessionSchema,
      'staff_sessions',
    );
    this.staffViews = connection.model<StaffViewDocument>(
      'StaffView',
      staffViewSchema,
      'staff_views',
    );
  }

  static async connect(uri: string): Promise<GatewayDatabase> {
    const connection = mongoose.createConnection(uri, {
      autoIndex: false,
      autoCreate: true,
      serverSelectionTimeoutMS: 10_000,
    });
    await connection.asPromise();
    const db = new GatewayDatabase(connection);
    await db.ensureIndexes();
    return db;
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
    await ensureCollections([
      this.links,
      this.patientSessions,
      this.staffSessions,
      this.staffViews,
    ]);
  }
}
