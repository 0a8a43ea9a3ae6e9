// Templates of an organisation; every query names the organisation.
import type { OutboxEntry } from '@cairn/events';
import type { Outbox } from '@cairn/events';
import type { MessagingDatabase } from '../../repositories/messaging-database';
import type { TemplateDoc } from '../../repositories/schemas';

export class TemplateRepository {
  constructor(
    private readonly db: MessagingDatabase,
    private readonly outbox: Outbox,
  ) {}

  async find(organisation: string, id: string): Promise<TemplateDoc | undefined> {
    const doc = (await this.db.templates.findOne({ _id: id }).lean().exec()) as TemplateDoc | null;
    return doc && doc.organisation === organisation ? doc : undefined;
  }

  async list(organisation: string): Promise<TemplateDoc[]> {
    return (await this.db.templates
      .find({ organisation })
      .sort({ createdAt: -1 })
      .limit(500)
      .lean()
      .exec()) as TemplateDoc[];
  }

  async create(doc: TemplateDoc, events: OutboxEntry[]): Promise<void> {
    await this.outbox.create(this.db.templates, doc, events);
  }
}
