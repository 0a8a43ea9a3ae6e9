// What every participant of retention's erasure saga shares (services/retention/README.md, "The
// saga"): the consumer of retention's ErasureOrdered and the ErasureCompleted answer.
//
// - The consumer decodes every event type of retention's topic (its other events are ignored,
//   not dead-lettered), dead-letters an order without id, with an organisation that is not an ODS
//   code or different from the cairn_org header, with an invalid NHS number or without a scope (PoisonMessageError: the reason names no
//   patient), and hands a valid order to the participant. The runner dedupes on ce_id; the
//   participant must itself be idempotent on erasure_id, because retention re-publishes an order
//   to a participant that has not answered, and answer again, unchanged.
// - The answer is cairn.common.v1.ErasureCompleted on the participant's own topic, an outbox
//   entry written with the participant's own state change.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { ErasureCompletedSchema } from '@cairn/contracts/cairn/common/v1/erasure_pb';
import {
  ErasureOrderedSchema,
  file_cairn_retention_events_v1_erasure_events,
} from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { file_cairn_retention_events_v1_retention_events } from '@cairn/contracts/cairn/retention/events/v1/retention_events_pb';
import { isOdsCode, isValidNhsNumber } from '@cairn/nhs';
import { EventConsumer, type EventConsumerSettings } from '../consumer/event-consumer';
import { ProcessedEvents } from '../consumer/processed-events';
import { EventRegistry } from '../envelope';
import { PoisonMessageError } from '../errors';
import type { Outbox, OutboxEntry } from '../outbox';

/** One order as a participant carries it out. */
export interface ErasureOrder {
  readonly erasureId: string;
  /** The organisation's ODS code. */
  readonly organisation: string;
  /** The patient's NHS number; undefined for the whole organisation (end of contract). */
  readonly nhsNumber?: string;
}

export interface ErasureOrderConsumerSettings {
  readonly kafka: Kafka;
  /** The participant's database (the consumer's inbox of processed event ids lives there). */
  readonly connection: Connection;
  readonly groupId: string;
  /** Retention's events topic. */
  readonly topic: string;
  readonly logger: EventConsumerSettings['logger'];
  /** Handler attempts before dead-lettering (the runner's default when absent). */
  readonly maxAttempts?: number;
}

export function createErasureOrderConsumer(
  settings: ErasureOrderConsumerSettings,
  carryOut: (order: ErasureOrder) => Promise<unknown>,
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
    handler: async (event, ctx) => {
      if (!event.is(ErasureOrderedSchema)) return;
      const order = erasureOrderOf(event.message);
      if (event.organisation && event.organisation !== order.organisation) {
        throw new PoisonMessageError(
          'ErasureOrdered whose cairn_org differs from its organisation',
        );
      }
      // Erasing a whole organisation can take a while: keep the group membership alive.
      await ctx.heartbeat();
      await carryOut(order);
    },
  });
}

/** The order a participant carries out, or a PoisonMessageError saying what is wrong with it. */
export function erasureOrderOf(message: {
  erasureId: string;
  organisation: string;
  scope:
    | { case: 'patient'; value: { nhsNumber: string } }
    | { case: 'wholeOrganisation'; value: unknown }
    | { case: undefined; value?: undefined };
}): ErasureOrder {
  if (!message.erasureId || !isOdsCode(message.organisation)) {
    throw new PoisonMessageError('ErasureOrdered without erasure_id or a valid organisation');
  }
  switch (message.scope.case) {
    case 'patient':
      if (!isValidNhsNumber(message.scope.value.nhsNumber)) {
        throw new PoisonMessageError('ErasureOrdered with an invalid NHS number');
      }
      return {
        erasureId: message.erasureId,
        organisation: message.organisation,
        nhsNumber: message.scope.value.nhsNumber,
      };
    case 'wholeOrganisation':
      return { erasureId: message.erasureId, organisation: message.organisation };
    default:
      throw new PoisonMessageError('ErasureOrdered without a scope');
  }
}

export interface ErasureAnswer {
  readonly erasureId: string;
  readonly organisation: string;
  readonly itemsErased: number;
  /** Words and figures for the certificate of destruction; never patient data. */
  readonly summary: string;
  readonly completedAt: Date;
}

/** The ErasureCompleted answer of `participant` (e.g. "gateway") as an outbox entry. */
export function erasureCompletedEvent(
  outbox: Outbox,
  participant: string,
  answer: ErasureAnswer,
): OutboxEntry {
  return outbox.event(
    ErasureCompletedSchema,
    {
      erasureId: answer.erasureId,
      participant,
      itemsErased: BigInt(answer.itemsErased),
      completedAt: timestampFromDate(answer.completedAt),
      summary: answer.summary,
    },
    {
      subject: answer.erasureId,
      organisation: answer.organisation,
      actor: { kind: 'system', id: participant },
    },
  );
}
