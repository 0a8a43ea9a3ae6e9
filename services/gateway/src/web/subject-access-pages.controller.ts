// Subject access (/staff/subject-access, issue #8): the organisation's Caldicott Guardian or
// Privacy Officer types a patient's NHS number (POST, so it never appears in an address) and
// downloads one ZIP with everything Cairn holds about the patient (usecases/assemble-subject-access).
// Refusals that can still be shown as a page (role, NHS number, no such patient here) come before
// the first byte; after that the download is streamed, and a failure breaks the download off.
import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { GatewayCore } from '../gateway-core';
import { type PreparedSubjectAccess } from '../usecases/assemble-subject-access/assemble-subject-access.usecase';
import { ZipPackageWriter } from '../usecases/assemble-subject-access/package-writer';
import {
  SubjectAccessError,
  SubjectAccessErrorCode,
} from '../usecases/assemble-subject-access/subject-access-error';
import { isAuditor } from '../usecases/audit-shared/auditor-scope';
import type { ResolvedStaff } from '../usecases/shared/staff-sessions';
import { StaffPage } from './staff-page';

const TITLE = 'Subject access request';

@Controller('staff/subject-access')
export class SubjectAccessPagesController {
  constructor(
    @Inject(GatewayCore) private readonly core: GatewayCore,
    @Inject(StaffPage) private readonly staffPage: StaffPage,
  ) {}

  @Get()
  async formPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    this.core.subjectAccess.requireRole(staff);
    this.renderForm(req, res, staff, '', null, 200);
  }

  @Post()
  async download(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const typed = String((req.body as Record<string, unknown> | undefined)?.nhsNumber ?? '');
    let prepared: PreparedSubjectAccess;
    try {
      prepared = await this.core.subjectAccess.prepare(staff, typed);
    } catch (error) {
      if (
        error instanceof SubjectAccessError &&
        (error.code === SubjectAccessErrorCode.InvalidNhsNumber ||
          error.code === SubjectAccessErrorCode.PatientNotFound)
      ) {
        const status = error.code === SubjectAccessErrorCode.PatientNotFound ? 404 : 400;
        this.renderForm(req, res, staff, typed.slice(0, 40), error.message, status);
        return;
      }
      throw error;
    }
    const date = this.core.clock.now();
    res.status(200);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // The file name names the package, never the patient.
    res.attachment(`subject-access-${date.toISOString().slice(0, 10)}-${prepared.packageId}.zip`);
    res.setHeader('Content-Type', 'application/zip');
    const writer = new ZipPackageWriter(res, date);
    try {
      await this.core.subjectAccess.assemble(prepared, writer);
    } catch (error) {
      // Bytes have gone out: break the download off so the browser shows it failed (a
      // truncated ZIP has no central directory and does not open). Recorded as incomplete.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      throw error;
    }
  }

  private renderForm(
    req: Request,
    res: Response,
    staff: ResolvedStaff,
    nhsNumber: string,
    error: string | null,
    status: number,
  ): void {
    const configured = this.core.subjectAccess.configured;
    this.staffPage.render(
      req,
      res,
      staff,
      'subject-access/form.njk',
      {
        title: TITLE,
        values: { nhsNumber },
        errors: error ? [{ text: error, href: '#nhsNumber' }] : [],
        fieldErrors: error ? { nhsNumber: { text: error } } : {},
        retentionConfigured: configured.retention,
        auditConfigured: configured.auditLedger,
        auditIncluded: configured.auditLedger && isAuditor(staff),
      },
      status,
    );
  }
}
