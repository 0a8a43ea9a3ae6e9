// Creating and listing an organisation's templates.
import { uuidv7 } from '../../domain/ids';
import { MessagingError, MessagingErrorCode } from '../../domain/messaging-error';
import { placeholdersOf } from '../../domain/template';
import type { MessagingEvents } from '../../events/messaging-events';
import type { TemplateDoc } from '../../repositories/schemas';
import type { Clock } from '../../domain/clock';
import type { TemplateRepository } from './template.repository';

export class TemplatesUseCase {
  constructor(
    private readonly templates: TemplateRepository,
    private readonly events: MessagingEvents,
    private readonly clock: Clock,
  ) {}

  async create(
    organisation: string,
    staffId: string,
    name: string,
    body: string,
  ): Promise<TemplateDoc> {
    const cleanName = name.trim();
    if (
      cleanName.length === 0 ||
      cleanName.length > 100 ||
      body.trim().length === 0 ||
      body.length > 2000
    ) {
      throw new MessagingError(
        MessagingErrorCode.InvalidTemplate,
        'a template needs a name (at most 100 characters) and a body (at most 2000)',
      );
    }
    const doc: TemplateDoc = {
      _id: `t_${uuidv7()}`,
      organisation,
      name: cleanName,
      body,
      placeholders: placeholdersOf(body),
      createdBy: staffId,
      createdAt: this.clock.now(),
    };
    await this.templates.create(doc, [
      this.events.templateCreated(doc._id, organisation, staffId, doc.placeholders),
    ]);
    return doc;
  }

  list(organisation: string): Promise<TemplateDoc[]> {
    return this.templates.list(organisation);
  }
}
