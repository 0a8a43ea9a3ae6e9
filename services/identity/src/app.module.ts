// The Nest application: identity's core (use cases and what they stand on), its RPC handlers,
// the patient directory (src/directory: its own module, RPC and events), and the platform's RPC
// bridge (imported last, so it drains before anything it uses closes).
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { JwtCallerResolver, ServiceCredentialResolver, type ServiceCredential } from '@cairn/auth';
import { RpcModule, type Logger } from '@cairn/platform';
import { Clock } from './domain/clock';
import { IdentityCoreModule, type IdentityCoreOptions } from './identity-core.module';
import { GuardRepository } from './repositories/guard.repository';
import { SessionRepository } from './repositories/session.repository';
import { DevMailboxRpc } from './rpc/dev-mailbox.rpc';
import { OrganisationsRpc, PlatformRpc } from './rpc/organisations.rpc';
import { PoliciesRpc } from './rpc/policies.rpc';
import { SessionsRpc } from './rpc/sessions.rpc';
import { StaffRpc } from './rpc/staff.rpc';
import { createIdentityTokenVerifier } from './tokens/identity-token-verifier';
import { SigningKeyRing } from './tokens/signing-key-ring';

export interface AppModuleOptions extends IdentityCoreOptions {
  /** DirectoryModule.forRoot(...), built by the caller from the same connection and outbox. */
  readonly directory: DynamicModule;
  readonly rpc: {
    readonly port: number;
    readonly host?: string;
    readonly drainTimeoutMs: number;
    readonly logger: Logger;
    /** Services that may call without a member of staff (IDENTITY_SERVICE_CREDENTIALS). */
    readonly serviceCredentials?: readonly ServiceCredential[];
  };
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const core = IdentityCoreModule.forRoot(options);
    const handlers: Provider[] = [
      StaffRpc,
      OrganisationsRpc,
      PlatformRpc,
      PoliciesRpc,
      SessionsRpc,
    ];
    if (options.settings.devMailboxEnabled) handlers.push(DevMailboxRpc);
    return {
      module: AppModule,
      imports: [
        core,
        options.directory,
        RpcModule.forRootAsync({
          imports: [core],
          inject: [SigningKeyRing, SessionRepository, GuardRepository, Clock],
          useFactory: (
            ring: SigningKeyRing,
            sessions: SessionRepository,
            guards: GuardRepository,
            clock: Clock,
          ) => {
            const { serviceCredentials = [], ...rpc } = options.rpc;
            const staff = new JwtCallerResolver(
              createIdentityTokenVerifier({
                issuer: options.settings.issuer,
                ring,
                sessions,
                guards,
                clock,
              }),
            );
            return {
              ...rpc,
              callerResolver: new ServiceCredentialResolver(staff, serviceCredentials),
            };
          },
        }),
      ],
      providers: handlers,
    };
  }
}
