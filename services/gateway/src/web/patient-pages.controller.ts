// The patient's pages (DPIA user flow steps 6–14), one question per page, working without
// JavaScript. Link pages are /r/<token>/…; after the date-of-birth check the session cookie
// carries the patient through /respond/…, so the token leaves the address bar.
import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '@cairn/platform';
import { GatewayError, GatewayErrorCode } from '../domain/gateway-error';
import type { LinkKind, PatientLink } from '../domain/patient-link';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { GatewayCore } from '../gateway-core';
import { Csrf } from './csrf';
import { readSingleFile } from './multipart';
import { PageRenderer } from './page-renderer';
import { PATIENT_COOKIE, WebOptions } from './web-options';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

@Controller()
export class PatientPagesController {
  constructor(
    @Inject(GatewayCore) private readonly core: GatewayCore,
    @Inject(PageRenderer) private readonly pages: PageRenderer,
    @Inject(Csrf) private readonly csrf: Csrf,
    @Inject(WebOptions) private readonly options: WebOptions,
  ) {}

  @Get('r/:token')
  async landing(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = tokenOf(req);
    const opened = await this.core.openLink.execute(token, 'response-request');
    if (!opened.available) return this.unavailable(req, res);
    this.pages.render(req, res, 'patient/landing.njk', {
      title: 'Reply to your GP practice',
      token,
      organisationName: opened.organisationName,
    });
  }

  @Get('r/:token/consent')
  async consent(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = tokenOf(req);
    const opened = await this.core.openLink.execute(token, 'response-request');
    if (!opened.available) return this.unavailable(req, res);
    this.pages.render(req, res, 'patient/consent.njk', {
      title: 'Consent',
      token,
      organisationName: opened.organisationName,
    });
  }

  @Post('r/:token/consent')
  async giveConsent(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = tokenOf(req);
    const opened = await this.core.openLink.execute(token, 'response-request');
    if (!opened.available) return this.unavailable(req, res);
    const answer = (req.body as { consent?: string }).consent;
    if (answer === 'yes') return res.redirect(303, `/r/${token}/date-of-birth`);
    if (answer === 'no') {
      return this.pages.render(req, res, 'patient/declined.njk', {
        title: 'You have not sent anything',
        organisationName: opened.organisationName,
      });
    }
    this.pages.render(
      req,
      res,
      'patient/consent.njk',
      {
        title: 'Consent',
        token,
        organisationName: opened.organisationName,
        errors: [{ text: 'Select yes if you consent to sending photos', href: '#consent' }],
      },
      400,
    );
  }

  @Get('r/:token/date-of-birth')
  async dateOfBirth(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = tokenOf(req);
    const opened = await this.core.openLink.execute(token, 'response-request');
    if (!opened.available) return this.unavailable(req, res);
    this.renderDateOfBirth(req, res, token, []);
  }

  @Post('r/:token/date-of-birth')
  async checkDateOfBirth(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.verify(req, res, 'response-request');
  }

  // ---- document links: the same check, then the document ----

  @Get('d/:token')
  async documentLanding(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = tokenOf(req);
    const opened = await this.core.openLink.execute(token, 'document');
    if (!opened.available) return this.unavailable(req, res);
    this.pages.render(req, res, 'patient/document-landing.njk', {
      title: 'A document from your GP practice',
      token,
      organisationName: opened.organisationName,
    });
  }

  @Get('d/:token/date-of-birth')
  async documentDateOfBirth(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = tokenOf(req);
    const opened = await this.core.openLink.execute(token, 'document');
    if (!opened.available) return this.unavailable(req, res);
    this.renderDateOfBirth(req, res, token, [], 'document');
  }

  @Post('d/:token/date-of-birth')
  async checkDocumentDateOfBirth(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.verify(req, res, 'document');
  }

  @Get('respond/document')
  async document(@Req() req: Request, @Res() res: Response): Promise<void> {
    const link = await this.session(req, res, false, 'document');
    if (!link) return;
    this.pages.render(req, res, 'patient/document.njk', {
      title: 'Your document',
      organisationName: link.organisationName,
      message: link.message,
      filename: link.documentFilename,
      expiresAt: link.expiresAt,
    });
  }

  @Get('respond/document/file')
  async documentFile(@Req() req: Request, @Res() res: Response): Promise<void> {
    const link = await this.session(req, res, false, 'document');
    if (!link) return;
    const stored = await this.core.readDocument.execute(link);
    res.setHeader('Content-Type', stored.mediaType);
    res.setHeader('Cache-Control', 'no-store');
    if (stored.sizeBytes > 0) res.setHeader('Content-Length', String(stored.sizeBytes));
    res.attachment(stored.filename || link.documentFilename || 'document');
    await pipeline(Readable.from(stored.chunks), res);
  }

  private async verify(req: Request, res: Response, kind: LinkKind): Promise<void> {
    const token = tokenOf(req);
    const body = req.body as Record<string, string | undefined>;
    try {
      const outcome = await this.core.verifyDateOfBirth.execute({
        token,
        kind,
        dateOfBirth: {
          day: String(body['dob[day]'] ?? ''),
          month: String(body['dob[month]'] ?? ''),
          year: String(body['dob[year]'] ?? ''),
        },
        consented: body.consent === 'yes',
      });
      if (outcome.outcome === 'verified') {
        res.cookie(PATIENT_COOKIE, outcome.sessionSecret, {
          httpOnly: true,
          secure: this.options.cookieSecure,
          sameSite: 'strict',
          path: '/',
          maxAge: this.options.patientSessionTtlMs,
        });
        return res.redirect(303, kind === 'document' ? '/respond/document' : '/respond/message');
      }
      const left = outcome.attemptsLeft;
      return this.renderDateOfBirth(
        req,
        res,
        token,
        [
          {
            text: `The date of birth does not match our records. You have ${left} ${left === 1 ? 'try' : 'tries'} left.`,
            href: '#dob-day',
          },
        ],
        kind,
      );
    } catch (error) {
      if (error instanceof GatewayError) {
        if (error.code === GatewayErrorCode.LinkUnavailable) return this.unavailable(req, res);
        if (error.code === GatewayErrorCode.ConsentRequired) {
          return res.redirect(303, `/r/${token}/consent`);
        }
        if (error.code === GatewayErrorCode.InvalidDateOfBirth) {
          return this.renderDateOfBirth(
            req,
            res,
            token,
            [{ text: 'Enter your date of birth, for example 15 3 1984', href: '#dob-day' }],
            kind,
          );
        }
      }
      throw error;
    }
  }

  @Get('respond/message')
  async message(@Req() req: Request, @Res() res: Response): Promise<void> {
    const link = await this.session(req, res);
    if (!link) return;
    this.pages.render(req, res, 'patient/message.njk', {
      title: 'Your message',
      organisationName: link.organisationName,
      message: link.message,
    });
  }

  @Get('respond/text')
  async text(@Req() req: Request, @Res() res: Response): Promise<void> {
    const link = await this.session(req, res);
    if (!link) return;
    this.pages.render(req, res, 'patient/text.njk', {
      title: 'Your message',
      text: link.draftText,
    });
  }

  @Post('respond/text')
  async saveText(@Req() req: Request, @Res() res: Response): Promise<void> {
    const link = await this.session(req, res);
    if (!link) return;
    const text = String((req.body as { text?: string }).text ?? '');
    try {
      await this.core.saveText.execute(link, text);
    } catch (error) {
      if (error instanceof GatewayError && error.code === GatewayErrorCode.TextTooLong) {
        return this.pages.render(
          req,
          res,
          'patient/text.njk',
          { title: 'Your message', text, errors: [{ text: error.message, href: '#text' }] },
          400,
        );
      }
      throw error;
    }
    res.redirect(303, '/respond/photos');
  }

  @Get('respond/photos')
  async photos(@Req() req: Request, @Res() res: Response): Promise<void> {
    const link = await this.session(req, res);
    if (!link) return;
    this.renderPhotos(req, res, link, []);
  }

  @Post('respond/photos')
  async attachPhoto(@Req() req: Request, @Res() res: Response): Promise<void> {
    const link = await this.session(req, res, true);
    if (!link) return;
    const declared = Number(req.headers['content-length'] ?? 0);
    try {
      if (declared > this.options.maxFileBytes + 64 * 1024) {
        throw new GatewayError(
          GatewayErrorCode.FileTooLarge,
          `The photo must be ${Math.floor(this.options.maxFileBytes / 1024 / 1024)}MB or smaller`,
        );
      }
      this.core.attachPhoto.assertRoom(link);
      const attached = await readSingleFile(req, {
        maxFileBytes: this.options.maxFileBytes,
        beforeFile: (fields) => {
          if (!this.csrf.check(req, fields._csrf)) {
            throw new GatewayError(
              GatewayErrorCode.CsrfInvalid,
              'The form has expired. Go back and try again.',
            );
          }
        },
        onFile: async (file) => {
          await this.core.attachPhoto.execute(link, {
            filename: file.filename,
            declaredType: file.mimeType,
            body: file.body,
          });
        },
      });
      if (!attached) {
        return this.renderPhotos(req, res, link, [{ text: 'Choose a photo', href: '#photo' }], 400);
      }
      res.redirect(303, '/respond/photos');
    } catch (error) {
      if (error instanceof GatewayError && error.code === GatewayErrorCode.CsrfInvalid) {
        req.unpipe();
        req.resume();
        res.setHeader('Connection', 'close');
        throw error;
      }
      if (error instanceof DomainError && error.code !== GatewayErrorCode.SessionRequired) {
        // Stop reading whatever is left of a refused upload.
        req.unpipe();
        req.resume();
        res.setHeader('Connection', 'close');
        const fresh = await this.core.links.findById(link.id);
        return this.renderPhotos(
          req,
          res,
          fresh ?? link,
          [{ text: error.message, href: '#photo' }],
          error.code === GatewayErrorCode.FileTooLarge ? 413 : 400,
        );
      }
      throw error;
    }
  }

  @Post('respond/photos/remove')
  async removePhoto(@Req() req: Request, @Res() res: Response): Promise<void> {
    const link = await this.session(req, res);
    if (!link) return;
    await this.core.removePhoto.execute(link, String((req.body as { mediaId?: string }).mediaId));
    res.redirect(303, '/respond/photos');
  }

  @Get('respond/review')
  async review(@Req() req: Request, @Res() res: Response): Promise<void> {
    const link = await this.session(req, res);
    if (!link) return;
    this.pages.render(req, res, 'patient/review.njk', {
      title: 'Check your reply',
      text: link.draftText,
      photos: link.draftPhotos,
    });
  }

  @Post('respond/submit')
  async submit(@Req() req: Request, @Res() res: Response): Promise<void> {
    const link = await this.session(req, res);
    if (!link) return;
    try {
      await this.core.submitResponse.execute(link);
    } catch (error) {
      if (error instanceof GatewayError && error.code === GatewayErrorCode.NothingToSubmit) {
        return this.pages.render(
          req,
          res,
          'patient/review.njk',
          {
            title: 'Check your reply',
            text: link.draftText,
            photos: link.draftPhotos,
            errors: [{ text: error.message, href: '/respond/text' }],
          },
          400,
        );
      }
      throw error;
    }
    await this.core.patientSessions.end(req.cookies?.[PATIENT_COOKIE] as string | undefined);
    res.clearCookie(PATIENT_COOKIE, { path: '/' });
    res.redirect(303, '/respond/done');
  }

  @Get('respond/done')
  done(@Req() req: Request, @Res() res: Response): void {
    this.pages.render(req, res, 'patient/done.njk', { title: 'Reply sent' });
  }

  /** The link behind the session cookie, or the "session ended" page (and null). */
  private async session(
    req: Request,
    res: Response,
    streaming = false,
    kind: LinkKind = 'response-request',
  ): Promise<PatientLink | null> {
    try {
      const link = await this.core.patientSessions.resolve(
        req.cookies?.[PATIENT_COOKIE] as string | undefined,
      );
      if (link.kind !== kind) {
        throw new GatewayError(
          GatewayErrorCode.SessionRequired,
          'This page is not part of your link. Open the link in your text message again.',
        );
      }
      return link;
    } catch (error) {
      if (error instanceof GatewayError && error.code === GatewayErrorCode.SessionRequired) {
        if (streaming) {
          req.resume();
          res.setHeader('Connection', 'close');
        }
        res.clearCookie(PATIENT_COOKIE, { path: '/' });
        this.pages.render(
          req,
          res,
          'error.njk',
          { title: 'Session ended', heading: 'Your session has ended', message: error.message },
          401,
        );
        return null;
      }
      throw error;
    }
  }

  private renderDateOfBirth(
    req: Request,
    res: Response,
    token: string,
    errors: { text: string; href: string }[],
    kind: LinkKind = 'response-request',
  ): void {
    const prefix = kind === 'document' ? 'd' : 'r';
    this.pages.render(
      req,
      res,
      'patient/date-of-birth.njk',
      {
        title: 'Your date of birth',
        action: `/${prefix}/${token}/date-of-birth`,
        backHref: kind === 'document' ? `/d/${token}` : `/r/${token}/consent`,
        errors,
      },
      errors.length ? 400 : 200,
    );
  }

  private renderPhotos(
    req: Request,
    res: Response,
    link: PatientLink,
    errors: { text: string; href: string }[],
    status = 200,
  ): void {
    this.pages.render(
      req,
      res,
      'patient/photos.njk',
      {
        title: 'Attach photos',
        organisationName: link.organisationName,
        photos: link.draftPhotos,
        maxFiles: this.options.maxFiles,
        maxMegabytes: Math.floor(this.options.maxFileBytes / 1024 / 1024),
        errors,
      },
      status,
    );
  }

  /** The same page, status and work for unknown, expired, used and locked links. */
  private unavailable(req: Request, res: Response): void {
    this.pages.render(req, res, 'patient/unavailable.njk', { title: 'Link cannot be used' }, 404);
  }
}

function tokenOf(req: Request): string {
  const token = String(req.params.token ?? '');
  return TOKEN_SHAPE.test(token) ? token : '-';
}
