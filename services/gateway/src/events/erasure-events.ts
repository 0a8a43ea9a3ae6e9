// The gateway's answer to retention's ErasureOrdered: cairn.common.v1.ErasureCompleted on the
// gateway's own topic, as an outbox entry. The summary is words and figures, never patient data.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ErasureCompletedSchema } from '@cairn/contracts/cairn/common/v1/erasure_pb';
import type { Outbox, OutboxEntry } from '@cairn/events';

export const ERASURE_PARTICIPANT = 'gateway';

export interface ErasureAnswer {
  readonly erasureId: string;
  readonly organisation: string;
  readonly itemsErased: number;
  readonly summary: string;
  readonly completedAt: Date;
}

export function erasureCompleted(outbox: Outbox, answer: ErasureAnswer): OutboxEntry {
  return outbox.event(
    ErasureCompletedSchema,
    {
      erasureId: answer.erasureId,
      participant: ERASURE_PARTICIPANT,
      itemsErased: BigInt(answer.itemsErased),
      completedAt: timestampFromDate(answer.completedAt),
      summary: answer.summary,
    },
    {
      subject: answer.erasureId,
      organisation: answer.organisation,
      actor: { kind: 'system', id: ERASURE_PARTICIPANT },
    },
  );
}
