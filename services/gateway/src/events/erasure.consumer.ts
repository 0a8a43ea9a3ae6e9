// Retention's orders (cairn.retention.events.v1): ErasureOrdered → ErasePatientDataUseCase.
// Retention's other events on that topic are decoded and ignored, so its ordinary traffic is not
// dead-lettered; an order without id, organisation or scope, or with an invalid NHS number, is
// (PoisonMessageError, no patient data in the reason). The runner dedupes on ce_id; the use case
// is itself idempotent on erasure_id, so a re-published order is answered again.
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { EventConsumer, EventRegistry, PoisonMessageError, ProcessedEvents } from '@cairn/events';
import {
  ErasureOrderedSchema,
  file_cairn_retention_events_v1_erasure_events,
} from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { file_cairn_retention_events_v1_retention_events } from '@cairn/contracts/cairn/retention/events/v1/retention_events_pb';
import { isValidNhsNumber } from '@cairn/nhs';
import type { Connection } from 'mongoose';
import type { ErasePatientDataUseCase } from '../usecases/erase-patient-data/erase-patient-data.usecase';

export interface ErasureConsumerSettings {
  readonly kafka: Kafka;
  readonly connection: Connection;
  readonly groupId: string;
  readonly topic: string;
  readonly logger: Logger;
  /** Handler attempts before dead-lettering (default 5; tests lower it). */
  readonly maxAttempts?: number;
}

export function createErasureConsumer(
  settings: ErasureConsumerSettings,
  erase: ErasePatientDataUseCase,
): EventConsumer {
  return new EventConsumer({
    kafka: settings.kafka,
    logger: settings.logger,
    groupId: settings.groupId,
    topics: [settings.topic],
    registry: new EventRegistry(
      file_cairn_retention_events_v1_erasure_events,
      file_cairn_retention_events_v1_retention_events,
    ),
    processed: new ProcessedEvents(settings.connection),
    maxAttempts: settings.maxAttempts,
    handler: async (event) => {
      if (!event.is(ErasureOrderedSchema)) return;
      const order = event.message;
      if (!order.erasureId || !order.organisation) {
        throw new PoisonMessageError('ErasureOrdered without erasure_id or organisation');
      }
      switch (order.scope.case) {
        case 'patient':
          if (!isValidNhsNumber(order.scope.value.nhsNumber)) {
            throw new PoisonMessageError('ErasureOrdered with an invalid NHS number');
          }
          await erase.execute({
            erasureId: order.erasureId,
            organisation: order.organisation,
            nhsNumber: order.scope.value.nhsNumber,
          });
          return;
        case 'wholeOrganisation':
          await erase.execute({ erasureId: order.erasureId, organisation: order.organisation });
          return;
        default:
          throw new PoisonMessageError('ErasureOrdered without a scope');
      }
    },
  });
}
