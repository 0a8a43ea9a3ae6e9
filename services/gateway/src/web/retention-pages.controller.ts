// The retention pages (/staff/retention) for Caldicott Guardians, Privacy Officers and senior
// clinicians, on retention's gRPC API with the member of staff's own token: erasure requests
// (raise, list, follow progress, co-sign, reject, certificate of destruction with its signature),
// legal holds (place, clear), the disposal review list (confirm disposal) and the retention rules.
// Retention decides; its refusals are shown in the NHS error summary, and "sign in again" leads
// to a re-authentication page that returns the member of staff to where they were. Without
// RETENTION_URL every page says retention is not configured. NHS numbers travel in form bodies,
// never in addresses.
import { randomUUID } from 'node:crypto';
import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { formatNhsNumber, type NhsNumber } from '@cairn/nhs';
import { GatewayError, GatewayErrorCode } from '../domain/gateway-error';
import { GatewayCore } from '../gateway-core';
import {
  RetentionRefusal,
  type DisposalItem,
  type Erasure,
  type ErasureGrounds,
  type ErasureStatus,
  type LegalHold,
  type RetentionScope,
  type StaffSignature,
} from '../ports/retention.port';
import type { RaiseErasureForm } from '../usecases/retention-raise-erasure/retention-raise-erasure.command';
import { isRetentionId, type FieldError } from '../usecases/retention-shared/retention-forms';
import { RetentionOffice } from '../usecases/retention-shared/retention-office';
import type { PlaceHoldForm } from '../usecases/retention-legal-holds/retention-legal-holds.usecase';
import { type ResolvedStaff } from '../usecases/shared/staff-sessions';
import type { PageError } from './page-renderer';
import { StaffPage } from './staff-page';

const BASE = '/staff/retention';
/** Where "sign in again" may send the member of staff back to: retention pages only. */

type Locals = Record<string, unknown>;

@Controller('staff/retention')
export class RetentionPagesController {
  private readonly office: RetentionOffice | null;

  constructor(
    @Inject(GatewayCore) core: GatewayCore,
    @Inject(StaffPage) private readonly staffPage: StaffPage,
  ) {
    this.office = core.ports.retention ? new RetentionOffice(core.ports.retention) : null;
  }

  // ---- erasure requests -------------------------------------------------------------------

  @Get()
  async overview(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    await this.page(req, res, ctx.staff, async () => {
      const lists = await ctx.office.erasures.list(ctx.staff);
      const rows = (list: readonly Erasure[]) => list.map(erasureRow);
      this.staffPage.render(req, res, ctx.staff, 'retention/overview.njk', {
        title: 'Erasure and retention',
        abilities: lists.abilities,
        awaitingCosign: rows(lists.awaitingCosign),
        inProgress: rows(lists.inProgress),
        completed: rows(lists.completed),
        rejected: rows(lists.rejected),
      });
    });
  }

  @Get('erasures/new')
  async raisePage(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    await this.page(req, res, ctx.staff, async () => {
      ctx.office.raise.start(ctx.staff);
      this.renderRaise(req, res, ctx.staff, { requestId: randomUUID() });
    });
  }

  @Post('erasures')
  async raise(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    const body = bodyOf(req);
    const form: RaiseErasureForm = {
      requestId: body.requestId,
      scope: body.scope,
      nhsNumber: body.nhsNumber,
      grounds: body.grounds,
      justification: body.justification,
    };
    await this.page(req, res, ctx.staff, async () => {
      const result = await submit(
        () => ctx.office.raise.execute(ctx.staff, form),
        { anchor: '#scope', here: `${BASE}/erasures/new` },
        (problem, status) => this.renderRaise(req, res, ctx.staff, form, problem, status),
      );
      if (!result) return;
      res.redirect(
        303,
        `${BASE}/erasures/${encodeURIComponent(result.erasure.erasureId)}?done=raised`,
      );
    });
  }

  @Get('erasures/:id')
  async erasure(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    const id = idOf(req);
    await this.page(req, res, ctx.staff, () =>
      this.renderErasure(req, res, ctx, id, { done: String(req.query.done ?? '') }),
    );
  }

  @Post('erasures/:id/cosign')
  async cosign(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    const id = idOf(req);
    const here = `${BASE}/erasures/${id}`;
    await this.page(req, res, ctx.staff, async () => {
      const result = await submit(
        async () => {
          await ctx.office.erasures.cosign(ctx.staff, id);
          return { ok: true as const };
        },
        { anchor: '#cosign', here },
        (problem, status) => this.renderErasure(req, res, ctx, id, { ...problem }, status),
      );
      if (!result) return;
      res.redirect(303, `${here}?done=cosigned`);
    });
  }

  @Post('erasures/:id/reject')
  async reject(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    const id = idOf(req);
    const here = `${BASE}/erasures/${id}`;
    const reason = String(bodyOf(req).rejectReason ?? '');
    await this.page(req, res, ctx.staff, async () => {
      const result = await submit(
        () => ctx.office.erasures.reject(ctx.staff, id, reason),
        { anchor: '#rejectReason', here },
        (problem, status) =>
          this.renderErasure(req, res, ctx, id, { ...problem, rejectReason: reason }, status),
      );
      if (!result) return;
      res.redirect(303, `${here}?done=rejected`);
    });
  }

  /** The certificate exactly as retention signed it (RFC 8785 canonical JSON). */
  @Get('erasures/:id/certificate')
  async certificate(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    const id = idOf(req);
    await this.page(req, res, ctx.staff, async () => {
      const certificate = await ctx.office.erasures.certificate(ctx.staff, id);
      download(res, `certificate-of-destruction-${id}.json`);
      res.end(Buffer.from(certificate.certificateJson));
    });
  }

  /** The certificate's Ed25519 signature with retention's public key and key id, as JSON. */
  @Get('erasures/:id/certificate-signature')
  async certificateSignature(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    const id = idOf(req);
    await this.page(req, res, ctx.staff, async () => {
      const bundle = await ctx.office.erasures.signatureBundle(ctx.staff, id);
      download(res, `certificate-of-destruction-${id}.signature.json`);
      res.end(`${JSON.stringify(bundle, null, 2)}\n`);
    });
  }

  // ---- legal holds ------------------------------------------------------------------------

  @Get('holds')
  async holds(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    await this.page(req, res, ctx.staff, () =>
      this.renderHolds(req, res, ctx, { done: String(req.query.done ?? '') }),
    );
  }

  @Post('holds')
  async placeHold(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    const body = bodyOf(req);
    const form: PlaceHoldForm = {
      requestId: body.requestId,
      scope: body.scope,
      nhsNumber: body.nhsNumber,
      reason: body.reason,
    };
    const here = `${BASE}/holds`;
    await this.page(req, res, ctx.staff, async () => {
      const result = await submit(
        () => ctx.office.holds.place(ctx.staff, form),
        { anchor: '#holdScope', here },
        (problem, status) => this.renderHolds(req, res, ctx, { ...problem, form }, status),
      );
      if (!result) return;
      res.redirect(303, `${here}?done=placed`);
    });
  }

  @Post('holds/:id/clear')
  async clearHold(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    const id = idOf(req);
    const reason = String(bodyOf(req).clearReason ?? '');
    const here = `${BASE}/holds`;
    await this.page(req, res, ctx.staff, async () => {
      const result = await submit(
        () => ctx.office.holds.clear(ctx.staff, id, reason),
        { anchor: `#clearReason-${id}`, here },
        (problem, status) =>
          this.renderHolds(req, res, ctx, { ...problem, clearing: { id, reason } }, status),
      );
      if (!result) return;
      res.redirect(303, `${here}?done=cleared`);
    });
  }

  // ---- disposal review, rules -------------------------------------------------------------

  @Get('disposals')
  async disposals(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    const includeAll = req.query.all === '1';
    await this.page(req, res, ctx.staff, () =>
      this.renderDisposals(req, res, ctx, includeAll, { done: String(req.query.done ?? '') }),
    );
  }

  /** POST with the NHS number in the body, so it is never in an address. */
  @Post('disposals/confirm')
  async confirmDisposal(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    const body = bodyOf(req);
    const includeAll = body.all === '1';
    const here = `${BASE}/disposals`;
    await this.page(req, res, ctx.staff, async () => {
      const result = await submit(
        () => ctx.office.disposals.confirm(ctx.staff, String(body.nhsNumber ?? '')),
        { anchor: '#disposals', here },
        (problem, status) =>
          this.renderDisposals(req, res, ctx, includeAll, { ...problem }, status),
      );
      if (!result) return;
      res.redirect(303, `${here}?done=confirmed${includeAll ? '&all=1' : ''}`);
    });
  }

  @Get('rules')
  async rules(@Req() req: Request, @Res() res: Response): Promise<void> {
    const ctx = await this.open(req, res);
    if (!ctx) return;
    await this.page(req, res, ctx.staff, async () => {
      const rules = await ctx.office.rules.view(ctx.staff);
      this.staffPage.render(req, res, ctx.staff, 'retention/rules.njk', {
        title: 'Retention rules',
        ...rules,
      });
    });
  }

  // ---- rendering --------------------------------------------------------------------------

  private renderRaise(
    req: Request,
    res: Response,
    staff: ResolvedStaff,
    form: RaiseErasureForm,
    problem: FormProblem = { errors: [] },
    status = 200,
  ): void {
    this.staffPage.render(
      req,
      res,
      staff,
      'retention/raise.njk',
      {
        title: 'Raise an erasure request',
        values: {
          requestId: form.requestId ?? '',
          scope: form.scope ?? '',
          nhsNumber: form.nhsNumber ?? '',
          grounds: form.grounds ?? '',
          justification: form.justification ?? '',
        },
        errors: problem.errors,
        fieldErrors: problem.fieldErrors ?? {},
        reauthHref: problem.reauthHref ?? null,
      },
      status,
    );
  }

  private async renderErasure(
    req: Request,
    res: Response,
    ctx: { staff: ResolvedStaff; office: RetentionOffice },
    id: string,
    extra: Locals,
    status = 200,
  ): Promise<void> {
    const view = await ctx.office.erasures.view(ctx.staff, id);
    const e = view.erasure;
    this.staffPage.render(
      req,
      res,
      ctx.staff,
      'retention/erasure.njk',
      {
        title: `Erasure request ${e.erasureId.slice(0, 8)}`,
        erasure: {
          ...erasureRow(e),
          justification: e.justification,
          raisedBy: signatureRow(e.raisedBy),
          cosignedBy: signatureRow(e.cosignedBy),
          rejectedBy: signatureRow(e.rejectedBy),
          rejectionReason: e.rejectionReason,
          orderedAt: e.orderedAt,
          completedAt: e.completedAt,
          progress: e.progress,
          outstanding: e.outstanding,
          orderAttempts: e.orderAttempts,
          nextRetryAt: e.nextRetryAt,
          awaitingCosign: e.status === 'awaiting-cosign',
          completed: e.status === 'completed',
          inProgress: e.status === 'in-progress',
        },
        abilities: view.abilities,
        raisedByViewer: view.raisedByViewer,
        here: `${BASE}/erasures/${encodeURIComponent(e.erasureId)}`,
        ...extra,
      },
      status,
    );
  }

  private async renderHolds(
    req: Request,
    res: Response,
    ctx: { staff: ResolvedStaff; office: RetentionOffice },
    extra: Locals & { form?: PlaceHoldForm },
    status = 200,
  ): Promise<void> {
    const lists = await ctx.office.holds.list(ctx.staff);
    const form = extra.form ?? {};
    this.staffPage.render(
      req,
      res,
      ctx.staff,
      'retention/holds.njk',
      {
        title: 'Legal holds',
        abilities: lists.abilities,
        active: lists.active.map(holdRow),
        cleared: lists.cleared.map(holdRow),
        values: {
          // A retry after a refusal keeps its request id; a fresh page gets a new one.
          requestId: form.requestId || randomUUID(),
          scope: form.scope ?? '',
          nhsNumber: form.nhsNumber ?? '',
          reason: form.reason ?? '',
        },
        ...extra,
      },
      status,
    );
  }

  private async renderDisposals(
    req: Request,
    res: Response,
    ctx: { staff: ResolvedStaff; office: RetentionOffice },
    includeAll: boolean,
    extra: Locals,
    status = 200,
  ): Promise<void> {
    const review = await ctx.office.disposals.list(ctx.staff, includeAll);
    this.staffPage.render(
      req,
      res,
      ctx.staff,
      'retention/disposals.njk',
      {
        title: 'Disposal review',
        includeAll,
        asOf: review.asOf,
        items: review.items.map(disposalRow),
        abilities: review.abilities,
        ...extra,
      },
      status,
    );
  }

  /**
   * Runs a page's work, turning a refusal by retention on a page without a form of its own (a
   * list, a download, this person's role) into an error page with retention's words.
   */
  private async page(
    req: Request,
    res: Response,
    staff: ResolvedStaff,
    work: () => Promise<void>,
  ): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof RetentionRefusal)) throw error;
      const heading = error.httpStatus === 403 ? 'You cannot do this' : 'There is a problem';
      this.staffPage.render(
        req,
        res,
        staff,
        'error.njk',
        { title: heading, heading, message: error.message },
        error.httpStatus,
      );
    }
  }

  /** The signed-in member of staff and the use cases, or null after answering (sign-in, 503). */
  private async open(
    req: Request,
    res: Response,
  ): Promise<{ staff: ResolvedStaff; office: RetentionOffice } | null> {
    const staff = await this.staffPage.signedIn(req, res);
    if (!staff) return null;
    if (!this.office) {
      const heading = 'Erasure and retention are not available';
      this.staffPage.render(
        req,
        res,
        staff,
        'error.njk',
        {
          title: heading,
          heading,
          message:
            'The retention service is not configured for this gateway (RETENTION_URL). Ask your system administrator.',
        },
        503,
      );
      return null;
    }
    return { staff, office: this.office };
  }
}

function bodyOf(req: Request): Record<string, string | undefined> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

function idOf(req: Request): string {
  const raw = String(req.params.id ?? '');
  if (!isRetentionId(raw)) {
    throw new GatewayError(GatewayErrorCode.ResponseNotFound, 'Not found');
  }
  return raw;
}

/** What a form page shows when a submission did not go through. */
type FormProblem = {
  readonly errors: readonly PageError[];
  readonly fieldErrors?: Record<string, { text: string }>;
  readonly reauthHref?: string | null;
};

/**
 * Submits a form's call. Retention's refusal (with "sign in again" when that is the reason) or
 * the form's own errors re-render the page through `rerender` and give undefined; success gives
 * the result for the caller's redirect.
 */
async function submit<T extends { readonly ok: true }>(
  call: () => Promise<T | { readonly ok: false; readonly errors: readonly FieldError[] }>,
  at: { readonly anchor: string; readonly here: string },
  rerender: (problem: FormProblem, status: number) => void | Promise<void>,
): Promise<T | undefined> {
  let result;
  try {
    result = await call();
  } catch (error) {
    if (!(error instanceof RetentionRefusal)) throw error;
    await rerender(
      { errors: [refusalError(error, at.anchor, at.here)], reauthHref: reauthOf(error, at.here) },
      error.httpStatus,
    );
    return undefined;
  }
  if (!result.ok) {
    await rerender(
      { errors: pageErrors(result.errors), fieldErrors: fieldErrors(result.errors) },
      400,
    );
    return undefined;
  }
  return result;
}

function reauthOf(refusal: RetentionRefusal, returnTo: string): string | null {
  return refusal.reason === 'sign-in-again'
    ? `/staff/sign-in?return=${encodeURIComponent(returnTo)}`
    : null;
}

const DEFAULT_REFUSALS: Record<RetentionRefusal['reason'], string> = {
  'sign-in-again': 'Sign in again to approve this: your last sign-in is too long ago.',
  'second-factor': 'Sign in with your security code to approve this.',
  'legal-hold': 'A legal hold covers these records.',
  'same-signer': 'A different person must co-sign this request.',
  'not-due': 'These records are not yet due for disposal.',
  'wrong-state': 'This request has changed. Refresh the page and try again.',
  role: 'Your role does not allow this.',
  'break-glass': 'Emergency (break-glass) access cannot approve this.',
  'wrong-organisation': 'Only staff of the same organisation can do this.',
  invalid: 'Check what you entered and try again.',
  other: 'Retention refused this.',
};

/**
 * The error summary entry for a refusal: retention's own plain words; a "sign in again" refusal
 * links to the re-authentication page (which returns here), the rest to the form concerned.
 */
function refusalError(refusal: RetentionRefusal, anchor: string, returnTo: string): PageError {
  const text = refusal.message || DEFAULT_REFUSALS[refusal.reason];
  return { text, href: reauthOf(refusal, returnTo) ?? anchor };
}

function pageErrors(errors: readonly FieldError[]): PageError[] {
  return errors.map((e) => ({ text: e.text, href: `#${e.field}` }));
}

function fieldErrors(errors: readonly FieldError[]): Record<string, { text: string }> {
  const out: Record<string, { text: string }> = {};
  for (const e of errors) out[e.field] ??= { text: e.text };
  return out;
}

function download(res: Response, filename: string): void {
  res.status(200);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.attachment(filename);
}

const STATUS_LABELS: Record<ErasureStatus, { text: string; classes: string }> = {
  'awaiting-cosign': { text: 'Awaiting co-signature', classes: 'nhsuk-tag--yellow' },
  'in-progress': { text: 'In progress', classes: 'nhsuk-tag--blue' },
  completed: { text: 'Completed', classes: 'nhsuk-tag--green' },
  rejected: { text: 'Rejected', classes: 'nhsuk-tag--red' },
  unknown: { text: 'Unknown', classes: 'nhsuk-tag--grey' },
};

const GROUNDS_LABELS: Record<ErasureGrounds, string> = {
  'erasure-right': 'Right to erasure',
  'court-order': 'Court order',
  'end-of-contract': 'End of contract',
  'retention-period-ended': 'Retention period ended',
  unspecified: 'Not stated',
};

const ROLE_LABELS: Record<string, string> = {
  'caldicott-guardian': 'Caldicott Guardian',
  'privacy-officer': 'Privacy Officer',
  'senior-clinician': 'Senior clinician',
};

function scopeLabel(scope: RetentionScope, organisation: string): string {
  return scope.kind === 'patient'
    ? `Patient with NHS number ${formatNhsNumber(scope.nhsNumber as NhsNumber)}`
    : `The whole organisation${organisation ? ` (${organisation})` : ''}`;
}

function signatureRow(signature: StaffSignature | null) {
  if (!signature) return null;
  return {
    staffId: signature.staffId,
    role: ROLE_LABELS[signature.role] ?? signature.role,
    signedAt: signature.signedAt,
    authenticatedAt: signature.authenticatedAt,
  };
}

function erasureRow(e: Erasure) {
  return {
    id: e.erasureId,
    href: `${BASE}/erasures/${encodeURIComponent(e.erasureId)}`,
    status: STATUS_LABELS[e.status],
    grounds: GROUNDS_LABELS[e.grounds],
    scope: scopeLabel(e.scope, e.organisation),
    raisedBy: e.raisedBy?.staffId ?? '',
    raisedAt: e.raisedBy?.signedAt ?? null,
    answered: e.progress.filter((p) => p.answered).length,
    participants: e.progress.length,
  };
}

function holdRow(h: LegalHold) {
  return {
    id: h.holdId,
    scope: scopeLabel(h.scope, h.organisation),
    reason: h.reason,
    placedBy: signatureRow(h.placedBy),
    clearedBy: signatureRow(h.clearedBy),
    clearReason: h.clearReason,
  };
}

const DISPOSAL_LABELS: Record<DisposalItem['state'], string> = {
  due: 'Due for review',
  'awaiting-formal-notification': 'Awaiting formal notification of death',
  confirmed: 'Disposal confirmed',
  retained: 'Retained (not yet due)',
  unknown: 'Unknown',
};

function disposalRow(item: DisposalItem) {
  return {
    nhsNumber: item.nhsNumber,
    nhsNumberLabel: formatNhsNumber(item.nhsNumber as NhsNumber),
    state: DISPOSAL_LABELS[item.state],
    due: item.state === 'due',
    dateOfDeath: item.dateOfDeath || 'Not recorded',
    formal: item.formal,
    dueAt: item.dueAt,
    onHold: item.onHold,
    confirmedBy: signatureRow(item.confirmedBy),
  };
}
