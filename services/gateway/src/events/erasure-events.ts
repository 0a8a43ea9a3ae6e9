// The gateway's answer to retention's ErasureOrdered (shared shape: @cairn/events erasure).
import {
  erasureCompletedEvent,
  type ErasureAnswer,
  type Outbox,
  type OutboxEntry,
} from '@cairn/events';

export const ERASURE_PARTICIPANT = 'gateway';

export type { ErasureAnswer };

export function erasureCompleted(outbox: Outbox, answer: ErasureAnswer): OutboxEntry {
  return erasureCompletedEvent(outbox, ERASURE_PARTICIPANT, answer);
}
