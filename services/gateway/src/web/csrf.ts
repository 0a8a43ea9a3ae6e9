// Double-submit CSRF tokens (csrf-csrf) bound to the session cookie (patient or staff), or to
// nothing before sign-in / the date-of-birth check. Every form carries one; multipart forms are
// checked when their _csrf field arrives, before the file (multipart.ts).
import { doubleCsrf, type DoubleCsrfUtilities } from 'csrf-csrf';
import type { Request, Response } from 'express';
import { CSRF_COOKIE, PATIENT_COOKIE, STAFF_COOKIE } from './web-options';

export class Csrf {
  readonly utilities: DoubleCsrfUtilities;

  constructor(secret: string, secure: boolean) {
    this.utilities = doubleCsrf({
      getSecret: () => secret,
      getSessionIdentifier: (req) =>
        String(req.cookies?.[STAFF_COOKIE] ?? '') +
        '|' +
        String(req.cookies?.[PATIENT_COOKIE] ?? ''),
      cookieName: CSRF_COOKIE,
      cookieOptions: { sameSite: 'strict', secure, httpOnly: true, path: '/' },
      getCsrfTokenFromRequest: (req) => (req.body as { _csrf?: string } | undefined)?._csrf,
      // Multipart bodies are checked in the handler (fields before the file), API calls carry a
      // bearer token and no cookies.
      skipCsrfProtection: (req) =>
        req.path.startsWith('/api/') || Boolean(req.is('multipart/form-data')),
      errorConfig: { statusCode: 403, message: 'The form has expired. Go back and try again.' },
    });
  }

  token(req: Request, res: Response): string {
    return this.utilities.generateCsrfToken(req, res);
  }

  /** For multipart forms: the token from the parsed field. */
  check(req: Request, token: string | undefined): boolean {
    const original = req.body as unknown;
    req.body = { _csrf: token };
    try {
      return this.utilities.validateRequest(req);
    } finally {
      req.body = original;
    }
  }
}
