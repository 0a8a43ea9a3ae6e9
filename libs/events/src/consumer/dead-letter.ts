// What a dead-letter record carries besides the original key, value and headers: why it failed
// and where it came from, as `cairn_dlq_*` headers. readDeadLetter() gives the same as the
// cairn.common.v1.DeadLetter message, for tools that inspect or replay a DLQ.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { DeadLetterSchema, type DeadLetter } from '@cairn/contracts/cairn/common/v1/event_pb';
import type { IHeaders } from 'kafkajs';
import { headersToStrings } from '../envelope/headers';
import type { DeadLetterReason } from '../errors';

export const DeadLetterHeader = {
  error: 'cairn_dlq_error',
  reason: 'cairn_dlq_reason',
  sourceTopic: 'cairn_dlq_source_topic',
  sourcePartition: 'cairn_dlq_source_partition',
  sourceOffset: 'cairn_dlq_source_offset',
  consumerGroup: 'cairn_dlq_consumer_group',
  attempts: 'cairn_dlq_attempts',
  failedAt: 'cairn_dlq_failed_at',
} as const;

export interface DeadLetterDetails {
  reason: DeadLetterReason;
  error: unknown;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  consumerGroup: string;
  attempts: number;
  failedAt: Date;
}

const MAX_ERROR_LENGTH = 1000;

/** "<name>: <message>", shortened. Error messages never carry patient data (STYLE.md §8). */
export function describeError(error: unknown): string {
  const text =
    error instanceof Error ? `${error.name}: ${error.message}` : `Error: ${String(error)}`;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/** The original headers plus the dead-letter ones (which replace any earlier ones). */
export function deadLetterHeaders(original: IHeaders | undefined, d: DeadLetterDetails): IHeaders {
  return {
    ...original,
    [DeadLetterHeader.error]: describeError(d.error),
    [DeadLetterHeader.reason]: d.reason,
    [DeadLetterHeader.sourceTopic]: d.sourceTopic,
    [DeadLetterHeader.sourcePartition]: String(d.sourcePartition),
    [DeadLetterHeader.sourceOffset]: d.sourceOffset,
    [DeadLetterHeader.consumerGroup]: d.consumerGroup,
    [DeadLetterHeader.attempts]: String(d.attempts),
    [DeadLetterHeader.failedAt]: d.failedAt.toISOString(),
  };
}

/** The dead-letter headers of a DLQ record as the cairn.common.v1.DeadLetter message. */
export function readDeadLetter(headers: IHeaders | undefined): DeadLetter {
  const h = headersToStrings(headers);
  const error = h[DeadLetterHeader.error] ?? '';
  const colon = error.indexOf(': ');
  const failedAt = new Date(h[DeadLetterHeader.failedAt] ?? '');
  return create(DeadLetterSchema, {
    sourceTopic: h[DeadLetterHeader.sourceTopic] ?? '',
    sourcePartition: Number(h[DeadLetterHeader.sourcePartition] ?? 0),
    sourceOffset: h[DeadLetterHeader.sourceOffset] ?? '',
    consumerGroup: h[DeadLetterHeader.consumerGroup] ?? '',
    errorName: colon > 0 ? error.slice(0, colon) : '',
    errorMessage: colon > 0 ? error.slice(colon + 2) : error,
    attempts: Number(h[DeadLetterHeader.attempts] ?? 0),
    failedAt: Number.isNaN(failedAt.getTime()) ? undefined : timestampFromDate(failedAt),
  });
}
