// Identity's SessionsRevoked events (sign-out, suspension, refresh-token reuse) fill the
// SessionRevocations the ledger's token verifier consults, so a suspended auditor is refused
// within the consumer's lag rather than at the token's expiry. The ledger already consumes
// identity's topic to record it, so the feed reads the same records, before they are appended
// (revoking early is the safe side; a redelivered record revokes again, which is harmless).
// Only records on identity's own topic count: another service cannot revoke sessions.
import { fromBinary } from '@bufbuild/protobuf';
import type { SessionRevocations } from '@cairn/auth';
import { SessionsRevokedSchema } from '@cairn/contracts/cairn/identity/events/v1/events_pb';
import type { Logger } from '@cairn/platform';
import type { RawRecord } from './cloudevent-record.adapter';

export class SessionRevocationFeed {
  constructor(
    private readonly revocations: SessionRevocations,
    private readonly identityTopic: string,
    private readonly logger: Logger,
  ) {}

  observe(records: readonly RawRecord[]): void {
    for (const record of records) {
      if (record.topic !== this.identityTopic || !record.value) continue;
      const type = record.headers.ce_type;
      const text = Buffer.isBuffer(type) || typeof type === 'string' ? type.toString() : undefined;
      if (text !== SessionsRevokedSchema.typeName) continue;
      try {
        const event = fromBinary(SessionsRevokedSchema, record.value);
        for (const sid of event.sessionIds) this.revocations.revoke(sid);
      } catch (error) {
        // The record is still appended (as malformed if it is); only the revocation is lost.
        this.logger.warn(
          { errorType: (error as Error)?.name, offset: record.offset },
          'undecodable SessionsRevoked event',
        );
      }
    }
  }
}
