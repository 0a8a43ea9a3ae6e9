// The Nest application: the RPC handler and the use cases it calls, served by the platform's
// RPC bridge (imported last, so it drains before anything it uses closes).
import { Module, type DynamicModule } from '@nestjs/common';
import { RpcModule, type CallerResolver, type Logger } from '@cairn/platform';
import { MediaVaultRpc } from './rpc/media-vault.rpc';
import { DeleteObjectUseCase } from './usecases/delete-object/delete-object.usecase';
import { GetThumbnailUseCase } from './usecases/get-thumbnail/get-thumbnail.usecase';
import { ListObjectsUseCase } from './usecases/list-objects/list-objects.usecase';
import { ReadObjectUseCase } from './usecases/read-object/read-object.usecase';
import { UploadObjectUseCase } from './usecases/upload-object/upload-object.usecase';

export interface AppModuleOptions {
  readonly upload: UploadObjectUseCase;
  readonly read: ReadObjectUseCase;
  readonly thumbnails: GetThumbnailUseCase;
  readonly lists: ListObjectsUseCase;
  readonly deletes: DeleteObjectUseCase;
  readonly port: number;
  readonly host?: string;
  readonly drainTimeoutMs: number;
  readonly logger: Logger;
  readonly callerResolver: CallerResolver;
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
        { provide: UploadObjectUseCase, useValue: options.upload },
        { provide: ReadObjectUseCase, useValue: options.read },
        { provide: GetThumbnailUseCase, useValue: options.thumbnails },
        { provide: ListObjectsUseCase, useValue: options.lists },
        { provide: DeleteObjectUseCase, useValue: options.deletes },
        MediaVaultRpc,
      ],
    };
  }
}
