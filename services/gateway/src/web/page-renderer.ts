// Renders a page with what every page needs: the CSP nonce, a CSRF token, the operator and the
// privacy notice. Pages are never cached: they may show patient data.
import type { Request, Response } from 'express';
import { Csrf } from './csrf';
import { WebOptions } from './web-options';

export interface PageError {
  readonly text: string;
  readonly href: string;
}

export class PageRenderer {
  constructor(
    private readonly csrf: Csrf,
    private readonly options: WebOptions,
  ) {}

  render(
    req: Request,
    res: Response,
    view: string,
    locals: Record<string, unknown>,
    status = 200,
  ): void {
    res.status(status);
    res.setHeader('Cache-Control', 'no-store');
    res.render(view, {
      serviceName: 'Reply to your GP practice',
      operatorName: this.options.operatorName,
      privacyNoticeUrl: this.options.privacyNoticeUrl,
      cspNonce: res.locals.cspNonce as string,
      csrfToken: this.csrf.token(req, res),
      ...locals,
    });
  }
}
