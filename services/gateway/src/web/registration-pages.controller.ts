// Staff registration pages (issue 3, "Staff and organisations"): the register form (NHS email,
// name, password, ODS code, clinical system and its user id) and the email confirmation with the
// one-time code, both through identity's StaffService. Anonymous, CSRF-protected like every form;
// identity enforces the rules and its refusals appear next to the field they are about.
import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  RegisterStaffUseCase,
  type FieldError,
  type RegisterInput,
} from '../usecases/register-staff/register-staff.usecase';
import { PageRenderer } from './page-renderer';

const SERVICE_NAME = 'Cairn for practices';
const FORM_FIELDS = ['email', 'displayName', 'odsCode', 'clinicalSystem', 'clinicalUserId'];

@Controller('staff/register')
export class RegistrationPagesController {
  constructor(
    @Inject(RegisterStaffUseCase) private readonly registration: RegisterStaffUseCase,
    @Inject(PageRenderer) private readonly pages: PageRenderer,
  ) {}

  @Get()
  form(@Req() req: Request, @Res() res: Response): void {
    this.render(req, res, 'staff/register.njk', { title: 'Register', values: {} });
  }

  @Post()
  async register(@Req() req: Request, @Res() res: Response): Promise<void> {
    const body = stringsOf(req.body);
    const outcome = await this.registration.register(body as RegisterInput);
    if (!outcome.ok) {
      // The password is never sent back to the page.
      const values = Object.fromEntries(FORM_FIELDS.map((field) => [field, body[field] ?? '']));
      return this.render(
        req,
        res,
        'staff/register.njk',
        { title: 'Register', values, ...errorLocals(outcome.errors) },
        400,
      );
    }
    this.render(req, res, 'staff/register-verify.njk', {
      title: 'Confirm your email address',
      sent: true,
      values: { email: outcome.value.email },
    });
  }

  @Get('verify')
  verifyForm(@Req() req: Request, @Res() res: Response): void {
    this.render(req, res, 'staff/register-verify.njk', {
      title: 'Confirm your email address',
      values: {},
    });
  }

  @Post('verify')
  async verify(@Req() req: Request, @Res() res: Response): Promise<void> {
    const body = stringsOf(req.body);
    const outcome = await this.registration.verifyEmail(body.email ?? '', body.code ?? '');
    if (!outcome.ok) {
      return this.render(
        req,
        res,
        'staff/register-verify.njk',
        {
          title: 'Confirm your email address',
          values: { email: body.email ?? '' },
          ...errorLocals(outcome.errors),
        },
        400,
      );
    }
    this.render(req, res, 'staff/register-done.njk', {
      title: 'Email address confirmed',
      active: outcome.value === 'active',
    });
  }

  private render(
    req: Request,
    res: Response,
    view: string,
    locals: Record<string, unknown>,
    status = 200,
  ): void {
    this.pages.render(
      req,
      res,
      view,
      { serviceName: SERVICE_NAME, homeHref: '/staff/sign-in', ...locals },
      status,
    );
  }
}

/** Only string fields of a urlencoded body (a repeated field arrives as an array: ignored). */
function stringsOf(body: unknown): Record<string, string> {
  const entries = Object.entries((body ?? {}) as Record<string, unknown>);
  return Object.fromEntries(entries.filter(([, value]) => typeof value === 'string')) as Record<
    string,
    string
  >;
}

/** The error summary's list and each field's own message (the first for that field). */
function errorLocals(errors: FieldError[]) {
  const fieldErrors: Record<string, { text: string }> = {};
  for (const error of errors) fieldErrors[error.field] ??= { text: error.text };
  return {
    errors: errors.map((error) => ({ text: error.text, href: `#${error.field}` })),
    fieldErrors,
  };
}
