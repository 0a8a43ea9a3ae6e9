import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IdentityDatabase } from './identity-database';

export interface DevMail {
  readonly id: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly sentAt: Date;
}

@Injectable()
export class DevMailRepository {
  constructor(private readonly db: IdentityDatabase) {}

  async store(mail: Omit<DevMail, 'id'>): Promise<void> {
    await this.db.devMail.create({ _id: randomUUID(), ...mail });
  }

  async list(to: string | undefined, limit: number): Promise<DevMail[]> {
    const docs = await this.db.devMail
      .find(to ? { to } : {})
      .sort({ sentAt: -1 })
      .limit(limit)
      .lean()
      .exec();
    return docs.map((doc) => ({
      id: doc._id,
      to: doc.to,
      subject: doc.subject,
      text: doc.text,
      sentAt: doc.sentAt,
    }));
  }
}
