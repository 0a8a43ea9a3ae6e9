// Identity as a participant of retention's erasure saga: the directory_erasures record
// (registered with the outbox relay, which publishes the ErasureCompleted answers), the use case
// and the consumer of retention's topic. Wired by identity.ts and by the medium test.
import {
  createErasureOrderConsumer,
  ErasureRecords,
  type EventConsumer,
  type Outbox,
  type OutboxModel,
  type OutboxRelay,
} from '@cairn/events';
import type { Logger } from '@cairn/platform';
import type { INestApplicationContext } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import {
  directoryErasures,
  ensureDirectoryErasures,
} from '../repositories/directory-erasure.schema';
import { DirectoryRepository } from '../repositories/directory.repository';
import { RecordFilingRepository } from '../repositories/record-filing.repository';
import {
  ErasePatientDataUseCase,
  type ErasePatientDataOptions,
} from '../usecases/erase-patient-data/erase-patient-data.usecase';

export interface ErasureParticipantSettings {
  /** The application holding DirectoryModule (its repositories are used). */
  readonly app: INestApplicationContext;
  readonly connection: Connection;
  /** Identity's outbox (its topic is where the answers go). */
  readonly outbox: Outbox;
  readonly relay: OutboxRelay;
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** IDENTITY_RETENTION_TOPIC. */
  readonly retentionTopic: string;
  /** IDENTITY_CONSUMER_GROUP. */
  readonly groupId: string;
  readonly maxAttempts?: number;
  readonly options?: ErasePatientDataOptions;
}

export interface ErasureParticipant {
  readonly useCase: ErasePatientDataUseCase;
  readonly consumer: EventConsumer;
}

export async function createErasureParticipant(
  settings: ErasureParticipantSettings,
): Promise<ErasureParticipant> {
  const records = directoryErasures(settings.connection);
  await ensureDirectoryErasures(records);
  settings.relay.register(records as unknown as OutboxModel);
  const useCase = new ErasePatientDataUseCase(
    new ErasureRecords(
      records,
      settings.outbox,
      'identity',
      settings.logger.child({ component: 'erasure' }),
    ),
    settings.app.get(DirectoryRepository),
    settings.app.get(RecordFilingRepository),
    settings.options,
  );
  const consumer = createErasureOrderConsumer(
    {
      kafka: settings.kafka,
      connection: settings.connection,
      groupId: settings.groupId,
      topic: settings.retentionTopic,
      logger: settings.logger,
      maxAttempts: settings.maxAttempts,
    },
    (order) => useCase.execute(order),
  );
  return { useCase, consumer };
}
