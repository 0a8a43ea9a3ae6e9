// Nest side of the RPC bridge.
//
// Why a module with lifecycle hooks rather than a @nestjs/microservices CustomTransportStrategy:
// a strategy only receives message-pattern handlers (`@MessagePattern` on controllers, one
// callback per string pattern, results as Observables). It never sees providers, protobuf
// service descriptors, client-streaming input or Connect's HandlerContext, so every handler
// would need a pattern-shaped wrapper and streaming would be re-invented. A module can find
// `@RpcService` providers through Nest's DiscoveryService and hand the instances to
// connectNodeAdapter unchanged: handlers stay plain, injectable providers typed as
// `ServiceImpl<typeof Service>`, testable without a server. The server starts at
// onApplicationBootstrap (every provider exists) and drains at onModuleDestroy.
//
// Import RpcModule in the application's root module, last in its `imports`, and never make it
// global: Nest runs onModuleDestroy from the root outwards (siblings in reverse import order,
// global modules at the very end), so the bridge then drains before the modules its handlers
// use (repositories, the broker) and the global ones (database connections) close.
import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OptionalFactoryDependency,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { HealthRegistry } from './health-registry';
import { RpcServiceMetadata } from './rpc-service.decorator';
import {
  RpcServer,
  type RpcAddress,
  type RpcRegistration,
  type RpcServerOptions,
} from './rpc-server';

export type RpcModuleOptions = Omit<RpcServerOptions, 'services' | 'health'>;

export const RPC_MODULE_OPTIONS = Symbol('RPC_MODULE_OPTIONS');

/** Global so any module can inject HealthRegistry to report its own serving status. */
@Global()
@Module({ providers: [HealthRegistry], exports: [HealthRegistry] })
export class RpcHealthModule {}

/** Owns the RPC server for the Nest application: start, address, graceful stop. */
@Injectable()
export class RpcBridge implements OnApplicationBootstrap, OnModuleDestroy {
  private server?: RpcServer;

  constructor(
    @Inject(RPC_MODULE_OPTIONS) private readonly options: RpcModuleOptions,
    private readonly discovery: DiscoveryService,
    private readonly health: HealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.server = new RpcServer({
      ...this.options,
      health: this.health,
      services: this.discoverServices(),
    });
    await this.server.listen();
  }

  async onModuleDestroy(): Promise<void> {
    await this.server?.close();
  }

  address(): RpcAddress {
    if (!this.server) {
      throw new Error('RPC server has not started: call app.init() first');
    }
    return this.server.address();
  }

  private discoverServices(): RpcRegistration[] {
    const registrations = new Map<string, RpcRegistration>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: RpcServiceMetadata.KEY })) {
      const service = this.discovery.getMetadataByDecorator(RpcServiceMetadata, wrapper);
      if (!service) {
        continue;
      }
      // One instance serves every call, so a request- or transient-scoped provider would
      // silently become a singleton; refuse it instead.
      if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
        throw new Error(`@RpcService ${wrapper.name} must be a singleton-scoped provider`);
      }
      if (registrations.has(service.typeName)) {
        throw new Error(`${service.typeName} is served by more than one @RpcService provider`);
      }
      const implementation: unknown = wrapper.instance;
      registrations.set(service.typeName, {
        service,
        // The decorator checked at compile time that the class implements ServiceImpl<service>;
        // connect binds each method to the instance.
        register: (router, interceptors) =>
          router.service(service, implementation as object, { interceptors }),
      });
    }
    return [...registrations.values()];
  }
}

export interface RpcModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: Array<InjectionToken | OptionalFactoryDependency>;
  readonly useFactory: (...args: never[]) => RpcModuleOptions | Promise<RpcModuleOptions>;
}

@Module({})
export class RpcModule {
  static forRoot(options: RpcModuleOptions): DynamicModule {
    return RpcModule.withOptionsProvider([], { provide: RPC_MODULE_OPTIONS, useValue: options });
  }

  /** For options built from validated configuration, e.g. `inject: [AppConfig]`. */
  static forRootAsync(options: RpcModuleAsyncOptions): DynamicModule {
    return RpcModule.withOptionsProvider(options.imports ?? [], {
      provide: RPC_MODULE_OPTIONS,
      inject: options.inject ?? [],
      useFactory: options.useFactory,
    });
  }

  private static withOptionsProvider(
    imports: NonNullable<ModuleMetadata['imports']>,
    optionsProvider: NonNullable<ModuleMetadata['providers']>[number],
  ): DynamicModule {
    return {
      module: RpcModule,
      imports: [...imports, DiscoveryModule, RpcHealthModule],
      providers: [optionsProvider, RpcBridge],
      exports: [RpcBridge],
    };
  }
}
