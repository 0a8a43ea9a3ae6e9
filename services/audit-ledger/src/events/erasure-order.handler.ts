// The ledger's part of the erasure saga (issue 8, ARCHITECTURE.md "Erasure"): an ErasureOrdered
// event from the retention service, once it is itself a durable leaf, crypto-shreds the payloads
// in its scope and appends a redaction leaf (EraseSubjectUseCase), then answers ErasureCompleted
// (and PayloadsErased for one patient) on the ledger's own topic. Runs after a batch is appended
// and before its offsets are committed, so a crash repeats the whole step: erasure is idempotent
// and the answers carry ce_ids derived from the erasure id, so consumers deduplicate them. An
// order that cannot be carried out (undecodable, organisation header and body disagree, bad NHS
// number) goes to the dead-letter topic; retention then sees no answer and reports it outstanding.
import { EventHeader } from '@cairn/events';
import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type MessageShape,
} from '@bufbuild/protobuf';
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
        await this.answer(order, event, outcome);
        this.logger.info(
          {
            erasureId: order.erasureId,
            scope: order.scope.case,
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
    event: DecodedEvent,
    outcome: Awaited<ReturnType<EraseSubjectUseCase['execute']>>,
  ): Promise<void> {
    const completedAt = new Date();
    const orderedMs = Date.parse(event.time) || completedAt.getTime();
    const messages = [
      this.message(
        ErasureCompletedSchema,
        create(ErasureCompletedSchema, {
          erasureId: order.erasureId,
          participant: LEDGER_PARTICIPANT,
          itemsErased: BigInt(outcome.keysDestroyed + outcome.payloadsDeleted),
          completedAt: timestampFromDate(completedAt),
          summary:
            `${outcome.keysDestroyed} ledger data key(s) destroyed, ${outcome.payloadsDeleted} ` +
            `sealed payload(s) deleted; redaction leaf ${outcome.redactionLeafIndex} appended`,
        }),
        { order, orderedMs, completedAt, kind: 'erasure-completed' },
      ),
    ];
    if (outcome.patientPseudonym) {
      messages.push(
        this.message(
          PayloadsErasedSchema,
          create(PayloadsErasedSchema, {
            patientPseudonym: outcome.patientPseudonym,
            erasureId: order.erasureId,
            redactionLeafIndex: BigInt(outcome.redactionLeafIndex),
          }),
          { order, orderedMs, completedAt, kind: 'payloads-erased' },
        ),
      );
    }
    await this.kafka.ensureTopic(this.options.eventsTopic);
    await this.kafka.producer.send({ topic: this.options.eventsTopic, acks: -1, messages });
  }

  private message<Desc extends DescMessage>(
    schema: Desc,
    value: MessageShape<Desc>,
    at: { order: ErasureOrdered; orderedMs: number; completedAt: Date; kind: string },
  ) {
    return {
      key: `erasure:${at.order.erasureId}`,
      value: Buffer.from(toBinary(schema, value)),
      headers: {
        // Derived from the order, so a repeated step republishes the same ids.
        ce_id: deterministicUuidV7(at.orderedMs, `${at.kind}:${at.order.erasureId}`),
        // CloudEvents 1.0; consumers using @cairn/events refuse events without it.
        [EventHeader.specVersion]: '1.0',
        ce_type: schema.typeName,
        ce_source: '/cairn/audit-ledger',
        ce_time: at.completedAt.toISOString(),
        ce_subject: `erasure:${at.order.erasureId}`,
        cairn_org: at.order.organisation,
        cairn_actor: 'system:audit-ledger',
      },
    };
  }
}
