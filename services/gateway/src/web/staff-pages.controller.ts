// The clinician and practice-administrator pages (DPIA steps 1–5 and 15–18): sign-in through
// identity, patient search and page, compose with "allow the patient to reply with photos", the
// "Patient responses" inbox, a response with its photos, save to record, delete with a reason,
// and staff approvals. The same use cases and rules as the API.
import { randomBytes } from 'node:crypto';
import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { DomainError } from '@cairn/platform';
import { ConnectError } from '@connectrpc/connect';
import { GatewayError, GatewayErrorCode } from '../domain/gateway-error';
import { PatientRefs } from '../domain/patient-ref';
import { GatewayCore } from '../gateway-core';
import type { InboxFilter } from '../repositories/patient-link.repository';
import { homePageFor } from '../usecases/shared/staff-sessions';
import { Csrf } from './csrf';
import { readSingleFile } from './multipart';
import { StaffPage } from './staff-page';
import { STAFF_COOKIE, WebOptions } from './web-options';

@Controller('staff')
export class StaffPagesController {
  constructor(
    @Inject(GatewayCore) private readonly core: GatewayCore,
    @Inject(StaffPage) private readonly staffPage: StaffPage,
    @Inject(WebOptions) private readonly options: WebOptions,
    @Inject(PatientRefs) private readonly refs: PatientRefs,
    @Inject(Csrf) private readonly csrf: Csrf,
  ) {}

  @Get()
  home(@Res() res: Response): void {
    res.redirect(303, '/staff/inbox');
  }

  /**
   * Sign-in, and signing in again: with `return` (a staff page, e.g. where an approval asked for a
   * recent sign-in) the new session replaces the current one and the person goes back there.
   */
  @Get('sign-in')
  signInPage(@Req() req: Request, @Res() res: Response): void {
    const returnTo = staffReturnPath(req.query.return);
    this.staffPage.render(req, res, null, 'staff/sign-in.njk', {
      title: returnTo ? 'Sign in again' : 'Sign in',
      returnTo,
    });
  }

  @Post('sign-in')
  async signIn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const body = req.body as Record<string, string | undefined>;
    const email = String(body.email ?? '');
    const returnTo = staffReturnPath(body.return);
    const fail = (text: string, status = 401) =>
      this.staffPage.render(
        req,
        res,
        null,
        'staff/sign-in.njk',
        {
          title: returnTo ? 'Sign in again' : 'Sign in',
          returnTo,
          email,
          errors: [{ text, href: '#email' }],
        },
        status,
      );
    let result;
    try {
      result = await this.core.staffSessions.signIn(
        email,
        String(body.password ?? ''),
        String(body.code ?? ''),
      );
    } catch (error) {
      if (error instanceof ConnectError || error instanceof DomainError) {
        return fail('The email address, password or security code is not right');
      }
      throw error;
    }
    if (result.outcome === 'second-factor') {
      return fail('Enter your password again with the 6-digit security code from your app');
    }
    if (result.outcome === 'enrol-second-factor') {
      return fail(
        'Your role needs a security code. Set up an authenticator app first (see the README).',
        403,
      );
    }
    // Signing in again ends the earlier session: one session per sign-in.
    const earlier = req.cookies?.[STAFF_COOKIE] as string | undefined;
    if (earlier) await this.core.staffSessions.signOut(earlier);
    res.cookie(STAFF_COOKIE, result.sessionSecret, {
      httpOnly: true,
      secure: this.options.cookieSecure,
      sameSite: 'strict',
      path: '/',
    });
    res.redirect(303, result.policyAccepted ? (returnTo ?? result.home) : '/staff/policy');
  }

  @Post('sign-out')
  async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.core.staffSessions.signOut(req.cookies?.[STAFF_COOKIE] as string | undefined);
    res.clearCookie(STAFF_COOKIE, { path: '/' });
    res.redirect(303, '/staff/sign-in');
  }

  @Get('policy')
  async policy(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res, { allowPolicyPending: true });
    if (!staff) return;
    const policy = await this.core.ports.identity.currentPolicy(staff.accessToken);
    this.staffPage.render(req, res, staff, 'staff/policy.njk', {
      title: 'Acceptable use policy',
      ...policy,
    });
  }

  @Post('policy')
  async acceptPolicy(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res, { allowPolicyPending: true });
    if (!staff) return;
    await this.core.staffSessions.acceptPolicy(
      staff,
      String((req.body as { version?: string }).version ?? ''),
    );
    res.redirect(303, homePageFor(staff));
  }

  @Get('patients')
  async patients(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    this.staffPage.render(req, res, staff, 'staff/patients.njk', { title: 'Find a patient' });
  }

  /** POST, so the NHS number or name searched for never appears in an address. */
  @Post('patients/search')
  async search(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const query = String((req.body as { query?: string }).query ?? '').trim();
    let results: Awaited<ReturnType<GatewayCore['viewPatient']['search']>> = [];
    try {
      results = query ? await this.core.viewPatient.search(staff, query) : [];
    } catch (error) {
      if (!(error instanceof ConnectError) && !(error instanceof DomainError)) throw error;
    }
    this.staffPage.render(req, res, staff, 'staff/patients.njk', {
      title: 'Find a patient',
      query,
      searched: true,
      results: results.map((p) => ({ ...p, ref: this.refs.seal(p.nhsNumber) })),
    });
  }

  @Get('patients/:ref')
  async patient(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const nhsNumber = this.patientOf(req);
    const page = await this.core.viewPatient.execute(staff, nhsNumber);
    this.staffPage.render(req, res, staff, 'staff/patient.njk', {
      title: 'Patient',
      ref: String(req.params.ref),
      sent: req.query.sent === '1',
      idempotencyKey: randomBytes(16).toString('base64url'),
      documentKey: randomBytes(16).toString('base64url'),
      ...page,
    });
  }

  @Post('patients/:ref/messages')
  async sendMessage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const nhsNumber = this.patientOf(req);
    const body = req.body as Record<string, string | undefined>;
    await this.core.issueLink.execute(staff, {
      nhsNumber,
      message: String(body.message ?? ''),
      allowPhotoReply: body.allowPhotoReply === 'yes',
      idempotencyKey: String(body.idempotencyKey ?? ''),
    });
    res.redirect(303, `/staff/patients/${String(req.params.ref)}?sent=1`);
  }

  /** Multipart: the CSRF field and the message come before the file, which streams to the vault. */
  @Post('patients/:ref/documents')
  async sendDocument(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) {
      req.resume();
      return;
    }
    const nhsNumber = this.patientOf(req);
    try {
      const sent = await readSingleFile(req, {
        maxFileBytes: this.options.maxFileBytes,
        beforeFile: (fields) => {
          if (!this.csrf.check(req, fields._csrf)) {
            throw new GatewayError(GatewayErrorCode.CsrfInvalid, 'The form has expired');
          }
        },
        onFile: async (file, fields) => {
          await this.core.issueDocument.execute(staff, {
            nhsNumber,
            message: fields.message ?? '',
            idempotencyKey: fields.idempotencyKey ?? '',
            filename: file.filename,
            declaredType: file.mimeType,
            body: file.body,
          });
        },
      });
      if (!sent) throw new GatewayError(GatewayErrorCode.InvalidRequest, 'Choose a file to send');
    } catch (error) {
      req.unpipe();
      req.resume();
      res.setHeader('Connection', 'close');
      throw error;
    }
    res.redirect(303, `/staff/patients/${String(req.params.ref)}?sent=1`);
  }

  @Get('inbox')
  async inbox(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const filter =
      (['unread', 'read', 'all'] as const).find((f) => f === req.query.filter) ?? 'unread';
    const items = await this.core.listInbox.execute(staff, filter as InboxFilter);
    this.staffPage.render(req, res, staff, 'staff/inbox.njk', {
      title: 'Patient responses',
      items,
      filter,
    });
  }

  @Get('responses/:id')
  async response(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const link = await this.core.viewResponse.execute(staff, String(req.params.id));
    this.staffPage.render(req, res, staff, 'staff/response.njk', {
      title: 'Patient response',
      link,
    });
  }

  @Get('responses/:id/photos/:mediaId')
  async photo(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sendPhoto(req, res, false);
  }

  @Get('responses/:id/photos/:mediaId/download')
  async download(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sendPhoto(req, res, true);
  }

  @Post('responses/:id/save')
  async save(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    await this.core.saveToRecord.execute(staff, String(req.params.id));
    res.redirect(303, `/staff/responses/${String(req.params.id)}`);
  }

  @Get('responses/:id/delete')
  async deletePage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    await this.core.viewResponse.execute(staff, String(req.params.id));
    this.staffPage.render(req, res, staff, 'staff/delete.njk', {
      title: 'Delete response',
      requestId: String(req.params.id),
    });
  }

  @Post('responses/:id/delete')
  async delete(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    try {
      await this.core.deleteResponse.execute(
        staff,
        String(req.params.id),
        String((req.body as { reason?: string }).reason ?? ''),
      );
    } catch (error) {
      if (error instanceof GatewayError && error.code === GatewayErrorCode.ReasonRequired) {
        return this.staffPage.render(
          req,
          res,
          staff,
          'staff/delete.njk',
          {
            title: 'Delete response',
            requestId: String(req.params.id),
            errors: [{ text: error.message, href: '#reason' }],
          },
          400,
        );
      }
      throw error;
    }
    res.redirect(303, '/staff/inbox');
  }

  @Get('admin')
  async admin(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const pending = await this.core.manageStaff.pending(staff);
    this.staffPage.render(req, res, staff, 'staff/admin.njk', {
      title: 'Staff approvals',
      pending,
      done: typeof req.query.done === 'string' ? 'Done.' : '',
    });
  }

  @Post('admin/suspend')
  async suspend(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const body = req.body as Record<string, string | undefined>;
    await this.core.manageStaff.suspend(
      staff,
      String(body.staffId ?? ''),
      String(body.reason ?? ''),
    );
    res.redirect(303, '/staff/admin?done=suspended');
  }

  @Post('admin/:staffId/approve')
  async approve(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    await this.core.manageStaff.approve(staff, String(req.params.staffId), ['clinician']);
    res.redirect(303, '/staff/admin?done=approved');
  }

  @Post('admin/:staffId/reject')
  async reject(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    await this.core.manageStaff.reject(
      staff,
      String(req.params.staffId),
      String((req.body as { reason?: string }).reason ?? ''),
    );
    res.redirect(303, '/staff/admin?done=rejected');
  }

  private async sendPhoto(req: Request, res: Response, download: boolean): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const stored = await this.core.viewResponse.photo(
      staff,
      String(req.params.id),
      String(req.params.mediaId),
      download,
    );
    res.setHeader('Content-Type', stored.mediaType);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (stored.sizeBytes > 0) res.setHeader('Content-Length', String(stored.sizeBytes));
    res.attachment(stored.filename || 'photo');
    if (!download && stored.inline) {
      res.setHeader('Content-Disposition', 'inline');
    }
    await pipeline(Readable.from(stored.chunks), res);
  }

  private patientOf(req: Request): string {
    const nhs = this.refs.open(String(req.params.ref ?? ''));
    if (!nhs) throw new GatewayError(GatewayErrorCode.ResponseNotFound, 'Patient not found');
    return nhs;
  }
}

/** A staff page to go back to after signing in, or undefined (never another site or a trick). */
function staffReturnPath(raw: unknown): string | undefined {
  const path = typeof raw === 'string' ? raw : '';
  return /^\/staff\/[A-Za-z0-9._:/-]*$/.test(path) && !path.includes('..') && !path.includes('//')
    ? path
    : undefined;
}
