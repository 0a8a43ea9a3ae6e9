// Errors a consumer handler or the decoder raises to say "retrying cannot help": the consumer
// runner sends such a message straight to its dead-letter topic instead of retrying it.

/** Why a message went to the dead-letter topic; travels as the `cairn_dlq_reason` header. */
export type DeadLetterReason =
  | 'undecodable' // missing or malformed CloudEvents headers, or bytes that are not the message
  | 'unknown-type' // ce_type not in the consumer's registry
  | 'rejected' // the handler threw a PoisonMessageError
  | 'retries-exhausted'; // the handler kept failing for maxAttempts

/**
 * Thrown by a handler for an event it can never process (a broken invariant, a reference to
 * something that cannot exist). The message is dead-lettered at once, without retries.
 * The message must not contain patient data: it is logged and copied into a Kafka header.
 */
export class PoisonMessageError extends Error {
  override readonly name: string = 'PoisonMessageError';
  readonly reason: DeadLetterReason;

  constructor(message: string, options?: { reason?: DeadLetterReason; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options?.reason ?? 'rejected';
  }
}

/** The record is not a Cairn event this consumer can read. */
export class EventDecodeError extends PoisonMessageError {
  override readonly name = 'EventDecodeError';

  constructor(
    message: string,
    reason: 'undecodable' | 'unknown-type' = 'undecodable',
    cause?: unknown,
  ) {
    super(message, { reason, cause });
  }
}
