// The auditor console (/staff/audit): search the audit ledger (POST, so an NHS number searched
// for never appears in an address), view an entry with its decoded payload, verify it against
// the latest signed tree head, and download the search as the ledger's NDJSON export. Auditors
// only (role `auditor` for their organisation, platform role `platform-auditor` for all); the
// ledger enforces the same scope with the auditor's own token.
import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GatewayError, GatewayErrorCode } from '../domain/gateway-error';
import type { LedgerEntry } from '../ports/audit-ledger.port';
import type { AuditSearchForm, FieldError } from '../usecases/audit-search/audit-search.command';
import { AuditConsole } from '../usecases/audit-shared/audit-console';
import type { EntryVerification } from '../usecases/audit-verify-entry/audit-verify-entry.usecase';
import type { ResolvedStaff } from '../usecases/shared/staff-sessions';
import { StaffPage } from './staff-page';

const INDEX = /^\d{1,15}$/;
const FORM_FIELDS = ['organisation', 'nhsNumber', 'actorId', 'eventType', 'from', 'to'] as const;

@Controller('staff/audit')
export class AuditorPagesController {
  constructor(
    @Inject(AuditConsole) private readonly audit: AuditConsole,
    @Inject(StaffPage) private readonly staffPage: StaffPage,
  ) {}

  @Get()
  async searchPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const result = this.audit.search.start(staff);
    this.staffPage.render(req, res, staff, 'auditor/search.njk', {
      title: 'Audit log',
      values: result.values,
      scope: result.scope,
    });
  }

  @Post('search')
  async search(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const body = req.body as Record<string, string | undefined>;
    const result = await this.audit.search.execute(
      staff,
      formOf(body),
      String(body.pageToken ?? ''),
    );
    this.staffPage.render(
      req,
      res,
      staff,
      'auditor/search.njk',
      {
        title: 'Audit log',
        values: result.values,
        scope: result.scope,
        errors: result.ok ? [] : pageErrors(result.errors),
        fieldErrors: result.ok ? {} : fieldErrors(result.errors),
        searched: result.ok,
        entries: result.page?.entries.map(rowOf) ?? [],
        nextPageToken: result.page?.nextPageToken ?? '',
        firstPage: !body.pageToken,
      },
      result.ok ? 200 : 400,
    );
  }

  /** POST, like the search: the form's NHS number stays out of addresses and logs. */
  @Post('export')
  async export(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const result = await this.audit.export.execute(
      staff,
      formOf(req.body as Record<string, string | undefined>),
      new Date(),
    );
    if (!result.ok) {
      throw new GatewayError(
        GatewayErrorCode.InvalidRequest,
        result.errors[0]?.text ?? 'Check the search',
      );
    }
    res.status(200);
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.attachment(result.filename);
    await pipeline(Readable.from(result.chunks), res);
  }

  @Get('entries/:index')
  async entry(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    await this.renderEntry(req, res, staff, null);
  }

  @Post('entries/:index/verify')
  async verify(@Req() req: Request, @Res() res: Response): Promise<void> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return;
    const verification = await this.audit.verifyEntry.execute(staff, this.indexOf(req));
    await this.renderEntry(req, res, staff, verification);
  }

  private async renderEntry(
    req: Request,
    res: Response,
    staff: ResolvedStaff,
    verification: EntryVerification | null,
  ): Promise<void> {
    const view = await this.audit.viewEntry.execute(staff, this.indexOf(req));
    this.staffPage.render(req, res, staff, 'auditor/entry.njk', {
      title: `Audit entry ${view.entry.index}`,
      entry: detailOf(view.entry),
      payload: view.payload,
      verification,
      keyId: this.audit.verifyEntry.keyId,
    });
  }

  private indexOf(req: Request): number {
    const raw = String(req.params.index ?? '');
    if (!INDEX.test(raw)) {
      throw new GatewayError(GatewayErrorCode.ResponseNotFound, 'Entry not found');
    }
    return Number(raw);
  }
}

function formOf(body: Record<string, string | undefined>): AuditSearchForm {
  const form: Record<string, string> = {};
  for (const field of FORM_FIELDS) form[field] = String(body[field] ?? '');
  return form;
}

function pageErrors(errors: readonly FieldError[]) {
  return errors.map((e) => ({ text: e.text, href: `#${e.field}` }));
}

function fieldErrors(errors: readonly FieldError[]): Record<string, { text: string }> {
  const out: Record<string, { text: string }> = {};
  for (const e of errors) out[e.field] ??= { text: e.text };
  return out;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function rowOf(entry: LedgerEntry) {
  return {
    index: entry.index,
    time: entry.eventTime,
    type: entry.eventType || entry.kind,
    organisation: entry.organisation,
    actor: entry.actor,
    patient: entry.patientPseudonym ? `${entry.patientPseudonym.slice(0, 10)}…` : '',
  };
}

function detailOf(entry: LedgerEntry) {
  return {
    ...rowOf(entry),
    kind: entry.kind,
    eventId: entry.eventId,
    eventType: entry.eventType,
    source: entry.source,
    timeIso: entry.eventTime?.toISOString() ?? '',
    topic: entry.topic,
    integratedAt: entry.integratedAt,
    patientPseudonym: entry.patientPseudonym,
    leafHash: hex(entry.leafHash),
    payloadDigest: Buffer.from(entry.payloadDigest).toString('base64url'),
  };
}
