// The auditor console's use cases over one audit-ledger port, built by the composition root
// (gateway.ts) when AUDIT_LEDGER_URL and AUDIT_LEDGER_PUBLIC_KEY are set, and by tests.
import type { KeyObject } from 'node:crypto';
import { EventPayloadDecoder } from '../../domain/event-payload-decoder';
import type { AuditLedger } from '../../ports/audit-ledger.port';
import { AuditExportUseCase } from '../audit-export/audit-export.usecase';
import { AuditSearchUseCase } from '../audit-search/audit-search.usecase';
import { AuditVerifyEntryUseCase } from '../audit-verify-entry/audit-verify-entry.usecase';
import { AuditViewEntryUseCase } from '../audit-view-entry/audit-view-entry.usecase';

export class AuditConsole {
  readonly search: AuditSearchUseCase;
  readonly viewEntry: AuditViewEntryUseCase;
  readonly verifyEntry: AuditVerifyEntryUseCase;
  readonly export: AuditExportUseCase;

  constructor(
    ledger: AuditLedger,
    ledgerPublicKey: KeyObject,
    options: { readonly pageSize?: number } = {},
  ) {
    this.search = new AuditSearchUseCase(ledger, options.pageSize);
    this.viewEntry = new AuditViewEntryUseCase(ledger, new EventPayloadDecoder());
    this.verifyEntry = new AuditVerifyEntryUseCase(ledger, ledgerPublicKey);
    this.export = new AuditExportUseCase(ledger);
  }
}
