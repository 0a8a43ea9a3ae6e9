// The Nest application: the RPC handler and the use cases it calls, served by the platform's
// RPC bridge (imported last, so it drains before anything it uses closes).
import { Module, type DynamicModule } from '@nestjs/common';
import { RpcModule, type CallerResolver, type Logger } from '@cairn/platform';
import { AuditLedgerRpc } from './rpc/audit-ledger.rpc';
import { ExportEntriesUseCase } from './usecases/export-entries/export-entries.usecase';
import { QueryEntriesUseCase } from './usecases/query-entries/query-entries.usecase';
import { ReadLedgerUseCase } from './usecases/read-ledger/read-ledger.usecase';

export interface AppModuleOptions {
  readonly reads: ReadLedgerUseCase;
  readonly queries: QueryEntriesUseCase;
  readonly exports: ExportEntriesUseCase;
  readonly port: number;
  readonly host?: string;
  readonly drainTimeoutMs: number;
  readonly logger: Logger;
  readonly callerResolver?: CallerResolver;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RpcModule.forRoot({
          port: options.port,
          host: options.host,
          drainTimeoutMs: options.drainTimeoutMs,
          logger: options.logger,
          callerResolver: options.callerResolver,
        }),
      ],
      providers: [
        { provide: ReadLedgerUseCase, useValue: options.reads },
        { provide: QueryEntriesUseCase, useValue: options.queries },
        { provide: ExportEntriesUseCase, useValue: options.exports },
        AuditLedgerRpc,
      ],
    };
  }
}
