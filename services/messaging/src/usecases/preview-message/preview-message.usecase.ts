// What the sender sees before sending: the text as it would go, its segments, content warnings
// and why it could not be sent. Side-effect free (no flag, no event).
import { compose, validLinkUrl, type Composed, type Content } from '../../domain/compose';
import type { LinkKind } from '../../domain/message';
import { MessagingError, MessagingErrorCode } from '../../domain/messaging-error';
import type { TemplateRepository } from '../templates/template.repository';
import type { VideoRooms } from '../../video/video-room.port';

export type ContentInput =
  | { readonly kind: 'body'; readonly body: string }
  | {
      readonly kind: 'template';
      readonly templateId: string;
      readonly personalisation: Readonly<Record<string, string>>;
    };

export interface LinkInput {
  readonly kind: LinkKind;
  readonly url: string;
  readonly expiresAt?: Date;
}

export class ContentResolver {
  constructor(
    private readonly templates: TemplateRepository,
    private readonly video: VideoRooms,
    readonly maxSegments: number,
  ) {}

  async content(organisation: string, input: ContentInput): Promise<Content> {
    if (input.kind === 'body') return input;
    const template = await this.templates.find(organisation, input.templateId);
    if (!template)
      throw new MessagingError(MessagingErrorCode.TemplateNotFound, 'template not found');
    return {
      kind: 'template',
      templateId: template._id,
      templateBody: template.body,
      personalisation: input.personalisation,
    };
  }

  /** Checks a link; a video link without url gets a room (or, for previews, an example URL). */
  async link(input: LinkInput | undefined, mint: boolean): Promise<LinkInput | undefined> {
    if (!input) return undefined;
    if (input.kind === 'video-consultation' && input.url === '') {
      return { ...input, url: mint ? await this.video.mintRoomUrl() : this.video.exampleUrl() };
    }
    if (!validLinkUrl(input.url)) {
      throw new MessagingError(
        MessagingErrorCode.InvalidLink,
        'the link must be an https URL of at most 500 characters',
      );
    }
    return input;
  }

  compose(content: Content, link: LinkInput | undefined): Composed {
    return compose(content, link, this.maxSegments);
  }
}

export class PreviewMessageUseCase {
  constructor(private readonly resolver: ContentResolver) {}

  async execute(organisation: string, content: ContentInput, link?: LinkInput): Promise<Composed> {
    const resolved = await this.resolver.content(organisation, content);
    return this.resolver.compose(resolved, await this.resolver.link(link, false));
  }
}
