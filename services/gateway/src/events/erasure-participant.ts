// The gateway as a participant of retention's erasure saga: the `erasures` record (registered
// with the outbox relay, which publishes the ErasureCompleted answers), the use case and the
// consumer of retention's topic. Wired by gateway.ts and by the medium test.
import {
  createErasureOrderConsumer,
  ErasureRecords,
  Outbox,
  type EventConsumer,
  type OutboxModel,
  type OutboxRelay,
} from '@cairn/events';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { GatewayDatabase } from '../repositories/gateway-database';
import { PatientLinkRepository } from '../repositories/patient-link.repository';
import { PatientSessionRepository } from '../repositories/patient-session.repository';
import { StaffViewRepository } from '../repositories/staff-view.repository';
import { GatewayEvents } from './gateway-events';
import {
  ErasePatientDataUseCase,
  type ErasePatientDataOptions,
} from '../usecases/erase-patient-data/erase-patient-data.usecase';
import {
  ensureErasureRecords,
  erasureRecords,
} from '../usecases/erase-patient-data/erasure-record';

/** The gateway's name in its ErasureCompleted answers. */
export const ERASURE_PARTICIPANT = 'gateway';

export interface ErasureParticipantSettings {
  readonly db: GatewayDatabase;
  readonly kafka: Kafka;
  readonly relay: OutboxRelay;
  readonly logger: Logger;
  /** Retention's topic (GATEWAY_RETENTION_TOPIC). */
  readonly retentionTopic: string;
  /** GATEWAY_CONSUMER_GROUP. */
  readonly groupId: string;
  /** Where the answers go; default the gateway's own topic (tests isolate themselves). */
  readonly eventsTopic?: string;
  readonly maxAttempts?: number;
  readonly options?: ErasePatientDataOptions;
}

export interface ErasureParticipant {
  readonly useCase: ErasePatientDataUseCase;
  readonly consumer: EventConsumer;
}

/** Prepares the record collection, registers it with the relay and builds the consumer. */
export async function createErasureParticipant(
  settings: ErasureParticipantSettings,
): Promise<ErasureParticipant> {
  const { db, relay, logger } = settings;
  const records = erasureRecords(db.connection);
  await ensureErasureRecords(records);
  relay.register(records as unknown as OutboxModel);
  const outbox = new Outbox({ service: 'gateway', topic: settings.eventsTopic, relay });
  const useCase = new ErasePatientDataUseCase(
    new ErasureRecords(
      records,
      outbox,
      ERASURE_PARTICIPANT,
      logger.child({ component: 'erasure' }),
    ),
    new PatientLinkRepository(db, outbox),
    new PatientSessionRepository(db),
    new StaffViewRepository(db, new GatewayEvents(outbox)),
    settings.options,
  );
  const consumer = createErasureOrderConsumer(
    {
      kafka: settings.kafka,
      connection: db.connection,
      groupId: settings.groupId,
      topic: settings.retentionTopic,
      logger,
      maxAttempts: settings.maxAttempts,
    },
    (order) => useCase.execute(order),
  );
  return { useCase, consumer };
}
