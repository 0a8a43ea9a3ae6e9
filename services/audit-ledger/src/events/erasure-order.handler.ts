// The ledger's part of the erasure saga (issue 8, ARCHITECTURE.md "Erasure"): an ErasureOrdered
// event from the retention service, once it is itself a durable leaf, crypto-shreds the payloads
// in its scope and appends a redaction leaf (EraseSubjectUseCase), then answers ErasureCompleted
// (and PayloadsErased for one patient) on the ledger's own topic. Runs after a batch is appended
// and before its offsets are committed, so a crash repeats the whole step: erasure is idempotent,
// a repeated order gets the kept answer unchanged, and the answers carry ce_ids derived from the
// erasure and that answer, so consumers deduplicate them. Envelopes come from @cairn/events. An
// order that cannot be carried out (undecodable, organisation header and body disagree, bad NHS
// number) goes to the dead-letter topic; retention then sees no answer and reports it outstanding.
import { encodeEvent } from '@cairn/events';
import { fromBinary, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { PayloadsErasedSchema } from '@cairn/contracts/cairn/audit_ledger/events/v1/events_pb';
import { ErasureCompletedSchema } from '@cairn/contracts/cairn/common/v1/erasure_pb';
import {
  ErasureOrderedSchema,
  type ErasureOrdered,
} from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import type { Logger } from '@cairn/platform';
import { deterministicUuidV7 } from '../heads/tree-head.event-publisher';
import type { EraseSubjectUseCase } from '../usecases/erase-subject/erase-subject.usecase';
import { LedgerError } from '../domain/ledger-error';
import { decodeRecord, type DecodedEvent, type RawRecord } from './cloudevent-record.adapter';
import type { DeadLetterPublisher } from './dead-letter.publisher';
import type { KafkaClients } from './kafka-clients';

export const LEDGER_PARTICIPANT = 'audit-ledger';

export class ErasureOrderHandler {
  constructor(
    private readonly erase: EraseSubjectUseCase,
    private readonly kafka: KafkaClients,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly options: { readonly retentionTopic: string; readonly eventsTopic: string },
    private readonly logger: Logger,
  ) {}

  /** Carries out every ErasureOrdered among records that are already durable leaves. */
  async handle(records: readonly RawRecord[]): Promise<void> {
    for (const record of records) {
      if (record.topic !== this.options.retentionTopic) continue;
      const decoded = decodeRecord(record);
      if (!decoded.ok || decoded.event.type !== ErasureOrderedSchema.typeName) continue;
      const event = decoded.event;
      let order: ErasureOrdered;
      try {
        order = fromBinary(ErasureOrderedSchema, event.payload);
      } catch {
        await this.reject(record, event, 'undecodable_erasure_order');
        continue;
      }
      if (!order.erasureId || order.organisation !== event.organisation) {
        await this.reject(record, event, 'erasure_order_organisation_mismatch');
        continue;
      }
      if (order.scope.case === undefined) {
        await this.reject(record, event, 'erasure_order_without_scope');
        continue;
      }
      try {
        const outcome = await this.erase.execute({
          erasureId: order.erasureId,
          organisation: order.organisation,
          patientNhsNumber:
            order.scope.case === 'patient' ? order.scope.value.nhsNumber : undefined,
          actor: event.actor,
        });
        await this.answer(order, outcome);
        this.logger.info(
          {
            erasureId: order.erasureId,
            scope: order.scope.case,
            repeated: outcome.repeated,
            keysDestroyed: outcome.keysDestroyed,
            payloadsDeleted: outcome.payloadsDeleted,
            redactionLeafIndex: outcome.redactionLeafIndex,
          },
          'erasure carried out',
        );
      } catch (error) {
        if (!(error instanceof LedgerError)) throw error; // infrastructure: retried with the batch
        await this.reject(record, event, error.code);
      }
    }
  }

  private async reject(record: RawRecord, event: DecodedEvent, reason: string): Promise<void> {
    this.logger.warn({ eventId: event.id, reason }, 'erasure order refused');
    await this.deadLetters.publish([{ record, reason, leafEventId: event.id }]);
  }

  private async answer(
    order: ErasureOrdered,
    outcome: Awaited<ReturnType<EraseSubjectUseCase['execute']>>,
  ): Promise<void> {
    // Built from the kept answer: a repeated order republishes the same events, same ids.
    const event = <Desc extends DescMessage>(
      kind: string,
      schema: Desc,
      message: MessageInitShape<Desc>,
    ) => {
      const encoded = encodeEvent(LEDGER_PARTICIPANT, {
        schema,
        message,
        id: deterministicUuidV7(outcome.completedAt.getTime(), `${kind}:${order.erasureId}`),
        time: outcome.completedAt,
        subject: `erasure:${order.erasureId}`,
        organisation: order.organisation,
        actor: { kind: 'system', id: LEDGER_PARTICIPANT },
      });
      return { key: encoded.key, value: encoded.value, headers: encoded.headers };
    };
    const messages = [
      event('erasure-completed', ErasureCompletedSchema, {
        erasureId: order.erasureId,
        participant: LEDGER_PARTICIPANT,
        itemsErased: BigInt(outcome.keysDestroyed + outcome.payloadsDeleted),
        completedAt: timestampFromDate(outcome.completedAt),
        summary:
          `${outcome.keysDestroyed} ledger data key(s) destroyed, ${outcome.payloadsDeleted} ` +
          `sealed payload(s) deleted; redaction leaf ${outcome.redactionLeafIndex} appended`,
      }),
    ];
    if (outcome.patientPseudonym) {
      messages.push(
        event('payloads-erased', PayloadsErasedSchema, {
          patientPseudonym: outcome.patientPseudonym,
          erasureId: order.erasureId,
          redactionLeafIndex: BigInt(outcome.redactionLeafIndex),
        }),
      );
    }
    await this.kafka.ensureTopic(this.options.eventsTopic);
    await this.kafka.producer.send({ topic: this.options.eventsTopic, acks: -1, messages });
  }
}
