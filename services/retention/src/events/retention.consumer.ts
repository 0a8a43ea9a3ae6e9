// Retention's consumer: ErasureCompleted from every participant's topic (the saga's answers) and
// DeathRecorded from identity's topic (the retention clock). Every other type on those topics is
// known to the registry and ignored, so the participants' ordinary traffic is not dead-lettered.
// Effects are applied with ctx.applyOnce: the change and the event's inbox key in one write.
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { EventConsumer, EventRegistry, PoisonMessageError, ProcessedEvents } from '@cairn/events';
import { file_cairn_audit_ledger_events_v1_events } from '@cairn/contracts/cairn/audit_ledger/events/v1/events_pb';
import {
  ErasureCompletedSchema,
  file_cairn_common_v1_erasure,
} from '@cairn/contracts/cairn/common/v1/erasure_pb';
import { file_cairn_gateway_events_v1_events } from '@cairn/contracts/cairn/gateway/events/v1/events_pb';
import {
  DeathRecordedSchema,
  file_cairn_identity_events_v1_directory_events,
} from '@cairn/contracts/cairn/identity/events/v1/directory_events_pb';
import { file_cairn_identity_events_v1_events } from '@cairn/contracts/cairn/identity/events/v1/events_pb';
import { Patient_Death_Notification } from '@cairn/contracts/cairn/identity/v1/directory_pb';
import { file_cairn_media_vault_events_v1_events } from '@cairn/contracts/cairn/media_vault/events/v1/events_pb';
import { file_cairn_messaging_events_v1_events } from '@cairn/contracts/cairn/messaging/events/v1/events_pb';
import { file_cairn_retention_events_v1_erasure_events } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { file_cairn_retention_events_v1_retention_events } from '@cairn/contracts/cairn/retention/events/v1/retention_events_pb';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { isValidNhsNumber } from '@cairn/nhs';
import type { Participant } from '../config/retention-config';
import type { Notification } from '../domain/patient-lifecycle';
import { RetentionError } from '../domain/retention-error';
import type { RetentionModels } from '../repositories/retention-database';
import type { RecordDeathUseCase } from '../usecases/record-death/record-death.usecase';
import type { RecordErasureAnswerUseCase } from '../usecases/record-erasure-answer/record-erasure-answer.usecase';

/** Every event type any Cairn service publishes (so foreign types are ignored, not DLQ'd). */
export function everyEventType(): EventRegistry {
  return new EventRegistry(
    file_cairn_audit_ledger_events_v1_events,
    file_cairn_common_v1_erasure,
    file_cairn_gateway_events_v1_events,
    file_cairn_identity_events_v1_directory_events,
    file_cairn_identity_events_v1_events,
    file_cairn_media_vault_events_v1_events,
    file_cairn_messaging_events_v1_events,
    file_cairn_retention_events_v1_erasure_events,
    file_cairn_retention_events_v1_retention_events,
  );
}

export interface RetentionConsumerSettings {
  readonly kafka: Kafka;
  readonly connection: Connection;
  readonly models: RetentionModels;
  readonly groupId: string;
  readonly identityTopic: string;
  readonly participants: readonly Participant[];
  readonly logger: Logger;
}

function notification(n: Patient_Death_Notification): Notification {
  switch (n) {
    case Patient_Death_Notification.FORMAL:
      return 'formal';
    case Patient_Death_Notification.INFORMAL:
      return 'informal';
    default:
      return 'unspecified';
  }
}

export function createRetentionConsumer(
  settings: RetentionConsumerSettings,
  answers: RecordErasureAnswerUseCase,
  deaths: RecordDeathUseCase,
): EventConsumer {
  const byTopic = new Map(settings.participants.map((p) => [p.topic, p.name]));
  const topics = [...new Set([settings.identityTopic, ...byTopic.keys()])];
  return new EventConsumer({
    kafka: settings.kafka,
    logger: settings.logger,
    groupId: settings.groupId,
    topics,
    registry: everyEventType(),
    processed: new ProcessedEvents(settings.connection),
    handler: async (event, ctx) => {
      if (event.is(ErasureCompletedSchema)) {
        const participant = byTopic.get(ctx.topic);
        const answer = event.message;
        // A participant answers only for itself, on its own topic.
        if (!participant || answer.participant !== participant) {
          settings.logger.warn(
            { topic: ctx.topic, participant: answer.participant, erasureId: answer.erasureId },
            'ErasureCompleted from a participant not configured for this topic; ignored',
          );
          return;
        }
        if (!answer.erasureId) throw new PoisonMessageError('ErasureCompleted without erasure_id');
        await answers.execute(
          answer.erasureId,
          {
            participant,
            itemsErased: Number(answer.itemsErased),
            summary: answer.summary.slice(0, 500),
            completedAt: answer.completedAt ? timestampDate(answer.completedAt) : event.time,
          },
          (filter, update) => ctx.applyOnce(settings.models.erasures, filter, update),
        );
        return;
      }
      if (event.is(DeathRecordedSchema) && ctx.topic === settings.identityTopic) {
        const death = event.message;
        if (!death.odsCode || !isValidNhsNumber(death.nhsNumber)) {
          throw new PoisonMessageError('DeathRecorded without organisation or NHS number');
        }
        try {
          await deaths.execute(
            {
              organisation: death.odsCode,
              nhsNumber: death.nhsNumber,
              dateTime: death.dateTime,
              notification: notification(death.notification),
              observedAt: death.observedAt ? timestampDate(death.observedAt) : event.time,
            },
            (filter, update) =>
              ctx.applyOnce(settings.models.patients, filter, update, { upsert: true }),
          );
        } catch (error) {
          if (error instanceof RetentionError) {
            throw new PoisonMessageError('DeathRecorded with an unusable date of death');
          }
          throw error;
        }
      }
    },
  });
}
