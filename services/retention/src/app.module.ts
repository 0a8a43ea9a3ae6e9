// The Nest application: the RPC handler and the use cases it calls, served by the platform's
// RPC bridge (imported last, so it drains before anything it uses closes).
import { Module, type DynamicModule } from '@nestjs/common';
import { RpcModule, type CallerResolver, type Logger } from '@cairn/platform';
import { RetentionRpc } from './rpc/retention.rpc';
import { AssembleSubjectAccessUseCase } from './usecases/assemble-subject-access/assemble-subject-access.usecase';
import { ClearLegalHoldUseCase } from './usecases/clear-legal-hold/clear-legal-hold.usecase';
import { CosignErasureUseCase } from './usecases/cosign-erasure/cosign-erasure.usecase';
import { PlaceLegalHoldUseCase } from './usecases/place-legal-hold/place-legal-hold.usecase';
import { RaiseErasureUseCase } from './usecases/raise-erasure/raise-erasure.usecase';
import { ReadErasuresUseCase } from './usecases/read-erasures/read-erasures.usecase';
import { RejectErasureUseCase } from './usecases/reject-erasure/reject-erasure.usecase';
import { ReviewDisposalsUseCase } from './usecases/review-disposals/review-disposals.usecase';
import { SetRetentionRulesUseCase } from './usecases/set-retention-rules/set-retention-rules.usecase';

export interface RetentionUseCases {
  readonly rules: SetRetentionRulesUseCase;
  readonly placeHold: PlaceLegalHoldUseCase;
  readonly clearHold: ClearLegalHoldUseCase;
  readonly raise: RaiseErasureUseCase;
  readonly cosign: CosignErasureUseCase;
  readonly reject: RejectErasureUseCase;
  readonly reads: ReadErasuresUseCase;
  readonly disposals: ReviewDisposalsUseCase;
  readonly subjectAccess: AssembleSubjectAccessUseCase;
}

export interface AppModuleOptions {
  readonly useCases: RetentionUseCases;
  readonly port: number;
  readonly host?: string;
  readonly drainTimeoutMs: number;
  readonly logger: Logger;
  readonly callerResolver: CallerResolver;
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const u = options.useCases;
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
        { provide: SetRetentionRulesUseCase, useValue: u.rules },
        { provide: PlaceLegalHoldUseCase, useValue: u.placeHold },
        { provide: ClearLegalHoldUseCase, useValue: u.clearHold },
        { provide: RaiseErasureUseCase, useValue: u.raise },
        { provide: CosignErasureUseCase, useValue: u.cosign },
        { provide: RejectErasureUseCase, useValue: u.reject },
        { provide: ReadErasuresUseCase, useValue: u.reads },
        { provide: ReviewDisposalsUseCase, useValue: u.disposals },
        { provide: AssembleSubjectAccessUseCase, useValue: u.subjectAccess },
        RetentionRpc,
      ],
    };
  }
}
