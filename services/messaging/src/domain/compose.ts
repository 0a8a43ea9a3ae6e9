// What the patient receives: the body (free text or a rendered template), then the link on a
// line of its own. Also what the sender is shown before sending: segments, warnings, problems.
import { checkContent } from './content-checks';
import type { ContentWarning, LinkKind } from './message';
import { countSegments, type SegmentCount } from './segments';
import { renderTemplate } from './template';

export type Content =
  | { readonly kind: 'body'; readonly body: string }
  | {
      readonly kind: 'template';
      readonly templateId: string;
      readonly templateBody: string;
      readonly personalisation: Readonly<Record<string, string>>;
    };

export interface Composed {
  readonly text: string;
  readonly segments: SegmentCount;
  readonly warnings: readonly ContentWarning[];
  /** Empty when sendable. Patient-free, for the sender. */
  readonly problems: readonly string[];
  readonly missingPlaceholders: readonly string[];
}

export const MAX_URL_LENGTH = 500;

const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * An https URL without credentials, short enough for an SMS; undefined if not. Plain http is
 * accepted only for a loopback host: such a link reaches nobody's phone, and it is what a
 * developer's own machine serves (`npm run dev`).
 */
export function validLinkUrl(url: string): string | undefined {
  if (url.length === 0 || url.length > MAX_URL_LENGTH || /\s/.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    const secure =
      parsed.protocol === 'https:' ||
      (parsed.protocol === 'http:' && LOOPBACK_HOSTS.includes(parsed.hostname));
    if (!secure || parsed.username || parsed.password) return undefined;
    return url;
  } catch {
    return undefined;
  }
}

export function compose(
  content: Content,
  link: { kind: LinkKind; url: string } | undefined,
  maxSegments: number,
): Composed {
  const problems: string[] = [];
  let body: string;
  let missingPlaceholders: string[] = [];
  if (content.kind === 'body') {
    body = content.body.replace(/\r\n?/g, '\n').trim();
  } else {
    const rendered = renderTemplate(content.templateBody, content.personalisation);
    if (rendered.ok) {
      body = rendered.text.trim();
    } else {
      body = '';
      missingPlaceholders = [...rendered.missing];
      if (rendered.missing.length > 0)
        problems.push(`missing personalisation: ${rendered.missing.join(', ')}`);
      if (rendered.tooLong.length > 0)
        problems.push(`personalisation too long: ${rendered.tooLong.join(', ')}`);
    }
  }
  if (body === '' && problems.length === 0) problems.push('the message is empty');
  const text = link ? `${body}\n\n${link.url}` : body;
  const segments = countSegments(text, maxSegments);
  if (segments.segments > maxSegments) {
    problems.push(
      `too long: ${segments.segments} segments (${segments.characters} characters), at most ${maxSegments} (${segments.maxCharacters} characters in ${segments.encoding})`,
    );
  }
  // The link is ours or the gateway's, not the sender's words: check only the body.
  return { text, segments, warnings: checkContent(body), problems, missingPlaceholders };
}
