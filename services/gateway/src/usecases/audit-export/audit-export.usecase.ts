// The ledger's NDJSON export of an auditor's search, streamed through: each leaf with its
// inclusion proof and the signed tree head, checkable offline with tools/verifier. The first
// chunk is awaited before anything is sent, so a refusal becomes an error page, not a broken file.
import type { StaffContext } from '../../domain/staff-context';
import type { AuditLedger } from '../../ports/audit-ledger.port';
import { parseAuditSearch, type AuditSearchForm } from '../audit-search/audit-search.command';
import type { FieldError } from '../audit-search/audit-search.command';
import { auditorScopeOf } from '../audit-shared/auditor-scope';

export type AuditExport =
  | { readonly ok: true; readonly filename: string; readonly chunks: AsyncIterable<Uint8Array> }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

export class AuditExportUseCase {
  constructor(private readonly ledger: AuditLedger) {}

  async execute(staff: StaffContext, form: AuditSearchForm, now: Date): Promise<AuditExport> {
    const parsed = parseAuditSearch(form, auditorScopeOf(staff));
    if (!parsed.ok) return { ok: false, errors: parsed.errors };
    const stream = this.ledger.exportEntries(staff.accessToken, parsed.search);
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    const scopeName = parsed.search.organisation || 'all';
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    return {
      ok: true,
      filename: `cairn-audit-${scopeName}-${stamp}.ndjson`,
      chunks: (async function* () {
        if (first.done) return;
        yield first.value;
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          yield next.value;
        }
      })(),
    };
  }
}
