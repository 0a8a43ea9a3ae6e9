// The Nest application: the RPC handler and the use cases it calls (built in messaging.ts and
// handed in as values), served by the platform's RPC bridge.
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { RpcModule, type CallerResolver, type Logger } from '@cairn/platform';
import { MessagingRpc } from './rpc/messaging.rpc';
import { CancelMessageUseCase } from './usecases/cancel-message/cancel-message.usecase';
import { FlagRepository } from './usecases/list-content-flags/flag.repository';
import { PreviewMessageUseCase } from './usecases/preview-message/preview-message.usecase';
import { ReadMessagesUseCase } from './usecases/read-messages/read-messages.usecase';
import { ReadBatchUseCase } from './usecases/send-batch/read-batch.usecase';
import { SendBatchUseCase } from './usecases/send-batch/send-batch.usecase';
import { SendMessageUseCase } from './usecases/send-message/send-message.usecase';
import { TemplatesUseCase } from './usecases/templates/templates.usecase';

export interface AppModuleOptions {
  readonly useCases: {
    readonly preview: PreviewMessageUseCase;
    readonly send: SendMessageUseCase;
    readonly batch: SendBatchUseCase;
    readonly readBatch: ReadBatchUseCase;
    readonly cancel: CancelMessageUseCase;
    readonly read: ReadMessagesUseCase;
    readonly flags: FlagRepository;
    readonly templates: TemplatesUseCase;
  };
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
    const values: Provider[] = [
      { provide: PreviewMessageUseCase, useValue: u.preview },
      { provide: SendMessageUseCase, useValue: u.send },
      { provide: SendBatchUseCase, useValue: u.batch },
      { provide: ReadBatchUseCase, useValue: u.readBatch },
      { provide: CancelMessageUseCase, useValue: u.cancel },
      { provide: ReadMessagesUseCase, useValue: u.read },
      { provide: FlagRepository, useValue: u.flags },
      { provide: TemplatesUseCase, useValue: u.templates },
    ];
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
      providers: [...values, MessagingRpc],
    };
  }
}
