// Builds and starts the gateway from validated configuration: database, Kafka topic and outbox
// relay, clients of identity, messaging and the media vault, the use cases, the public HTTP
// server (pages and API) and gRPC health. Used by main.ts.
import { createHmac } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { RemoteJwks, TokenVerifier } from '@cairn/auth';
import { createKafka, ensureTopics, OutboxRelay, type OutboxModel } from '@cairn/events';
import { kafkaConnection, RpcModule, type ServiceContext } from '@cairn/platform';
import { identityClients, mediaVaultClient, messagingClient } from './adapters/grpc-clients';
import { GrpcClinicalRecord, GrpcPatientDirectory } from './adapters/identity.grpc';
import { GrpcMediaVault } from './adapters/media-vault.grpc';
import { GrpcMessaging } from './adapters/messaging.grpc';
import { GrpcStaffIdentity } from './adapters/staff-identity.grpc';
import { GrpcStaffRegistration } from './adapters/staff-registration.grpc';
import { RegisterStaffUseCase } from './usecases/register-staff/register-staff.usecase';
import { auditLedgerClient, GrpcAuditLedger } from './adapters/audit-ledger.grpc';
import { GrpcRetention, retentionClient } from './adapters/retention.grpc';
import { AuditConsole } from './usecases/audit-shared/audit-console';
import { SERVICE_NAME, type GatewayConfig } from './config/gateway-config';
import { PatientRefs } from './domain/patient-ref';
import type { GatewaySettings } from './domain/settings';
import { createErasureParticipant } from './events/erasure-participant';
import { GatewayCore } from './gateway-core';
import { GatewayDatabase } from './repositories/gateway-database';
import { apiRoutes } from './web/api.routes';
import { createHttpApp } from './web/http-app';
import { WebOptions } from './web/web-options';

type Context = Pick<ServiceContext<GatewayConfig>, 'logger' | 'health' | 'onShutdown'>;

export interface GatewayHandle {
  readonly core: GatewayCore;
  readonly http: INestApplication;
}

export function settingsFromConfig(config: GatewayConfig): GatewaySettings {
  return {
    publicBaseUrl: config.PUBLIC_BASE_URL,
    responseWindowMs: config.RESPONSE_WINDOW,
    documentWindowMs: config.DOCUMENT_WINDOW,
    maxDobAttempts: config.DOB_MAX_ATTEMPTS,
    patientSessionTtlMs: config.PATIENT_SESSION_TTL,
    maxFiles: config.UPLOAD_MAX_FILES,
    maxFileBytes: config.UPLOAD_MAX_BYTES,
    operatorName: config.OPERATOR_NAME,
    privacyNoticeUrl: config.PRIVACY_NOTICE_URL,
    eventsTopic: config.GATEWAY_EVENTS_TOPIC,
  };
}

@Module({})
class GrpcHealthModule {}

export async function startGateway(
  config: GatewayConfig,
  { logger, health, onShutdown }: Context,
): Promise<GatewayHandle> {
  const db = await GatewayDatabase.connect(config.MONGODB_URI);
  onShutdown('resources', 'mongodb', () => db.close());
  health.add('mongodb', () => db.ping());

  const connection = kafkaConnection(SERVICE_NAME, config);
  const kafka = createKafka({
    clientId: connection.clientId,
    brokers: connection.brokers,
    logger,
    config: { ssl: connection.ssl, ...(connection.sasl ? { sasl: connection.sasl as never } : {}) },
  });
  await ensureTopics(kafka, [config.GATEWAY_EVENTS_TOPIC], { logger });
  const admin = kafka.admin();
  await admin.connect();
  onShutdown('resources', 'kafka-admin', () => admin.disconnect());
  health.add('kafka', () => admin.describeCluster());

  const relay = new OutboxRelay({ kafka, logger });
  for (const model of [db.links, db.staffViews]) relay.register(model as unknown as OutboxModel);
  await relay.start();
  onShutdown('consumers', 'outbox-relay', () => relay.stop());

  // Retention's erasure orders: delete, then answer ErasureCompleted (events/erasure-participant).
  const erasure = await createErasureParticipant({
    db,
    kafka,
    relay,
    logger,
    retentionTopic: config.GATEWAY_RETENTION_TOPIC,
    groupId: config.GATEWAY_CONSUMER_GROUP,
    eventsTopic: config.GATEWAY_EVENTS_TOPIC,
  });
  await erasure.consumer.start();
  onShutdown('consumers', 'erasure-consumer', () => erasure.consumer.stop());

  const identity = identityClients(config.IDENTITY_URL);
  const verifier = new TokenVerifier({
    issuer: config.IDENTITY_ISSUER,
    audience: config.IDENTITY_AUDIENCE,
    keys: new RemoteJwks(config.IDENTITY_JWKS_URL, { allowHttp: config.IDENTITY_JWKS_ALLOW_HTTP }),
  });
  const settings = settingsFromConfig(config);
  const core = new GatewayCore(
    db,
    {
      vault: new GrpcMediaVault(
        mediaVaultClient(config.MEDIA_VAULT_URL),
        config.MEDIA_VAULT_SERVICE_TOKEN,
      ),
      messaging: new GrpcMessaging(messagingClient(config.MESSAGING_URL)),
      directory: new GrpcPatientDirectory(identity),
      record: new GrpcClinicalRecord(identity),
      identity: new GrpcStaffIdentity(identity, verifier),
      retention: config.RETENTION_URL
        ? new GrpcRetention(retentionClient(config.RETENTION_URL))
        : undefined,
      // Subject access packages include the patient's audit trail for a caller who is an auditor.
      auditLedger: config.AUDIT_LEDGER_URL
        ? new GrpcAuditLedger(auditLedgerClient(config.AUDIT_LEDGER_URL))
        : undefined,
    },
    settings,
    config.GATEWAY_LINK_KEY,
    relay,
  );

  // gRPC health only: nobody calls the gateway over gRPC (events are its back-channel).
  const grpc = await NestFactory.createApplicationContext(
    {
      module: GrpcHealthModule,
      imports: [
        RpcModule.forRoot({ port: config.GRPC_PORT, drainTimeoutMs: config.DRAIN_TIMEOUT, logger }),
      ],
    },
    { logger: false },
  );
  await grpc.init();
  onShutdown('servers', 'grpc', () => grpc.close());

  const csrfSecret = createHmac('sha256', config.GATEWAY_LINK_KEY).update('csrf').digest('hex');
  const http = await createHttpApp({
    core,
    logger,
    patientRefs: new PatientRefs(config.GATEWAY_LINK_KEY),
    apiRoutes: apiRoutes(core, verifier, logger),
    registration: new RegisterStaffUseCase(new GrpcStaffRegistration(identity)),
    audit:
      core.ports.auditLedger && config.AUDIT_LEDGER_PUBLIC_KEY
        ? new AuditConsole(core.ports.auditLedger, config.AUDIT_LEDGER_PUBLIC_KEY)
        : undefined,
    web: new WebOptions(
      config.COOKIE_SECURE,
      csrfSecret,
      config.OPERATOR_NAME,
      config.PRIVACY_NOTICE_URL,
      config.UPLOAD_MAX_FILES,
      config.UPLOAD_MAX_BYTES,
      config.PATIENT_SESSION_TTL,
    ),
  });
  await http.listen(config.HTTP_PORT, config.HTTP_HOST);
  onShutdown('servers', 'http', () => http.close());
  logger.info({ port: config.HTTP_PORT }, 'gateway listening');
  return { core, http };
}
