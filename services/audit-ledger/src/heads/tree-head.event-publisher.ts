// Publishes TreeHeadSigned on the ledger's own topic, CloudEvents binary mode. The event id is
// derived from the head (a UUIDv7-shaped value whose time is the head's), so republishing a head
// after a crash repeats the same ce_id and consumers deduplicate it.
import { encodeEvent } from '@cairn/events';
import { createHash } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { TreeHeadSignedSchema } from '@cairn/contracts/cairn/audit_ledger/events/v1/events_pb';
import { SignedTreeHeadSchema } from '@cairn/contracts/cairn/audit_ledger/v1/ledger_pb';
import type { KafkaClients } from '../events/kafka-clients';
import type { SignedHead } from '../repositories/tree-head.repository';

/** A UUIDv7 layout: 48-bit ms timestamp, version 7, variant 10, the rest from SHA-256 of `seed`. */
export function deterministicUuidV7(timestampMs: number, seed: string): string {
  const bytes = createHash('sha256').update(seed).digest().subarray(0, 16);
  const ts = BigInt(timestampMs);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ts >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function signedTreeHeadMessage(head: SignedHead) {
  return create(SignedTreeHeadSchema, {
    treeSize: BigInt(head.treeSize),
    rootHash: head.rootHash,
    timestamp: timestampFromMs(head.timestampMs),
    keyId: head.keyId,
    signature: head.signature,
  });
}

export class TreeHeadEventPublisher {
  constructor(
    private readonly kafka: KafkaClients,
    private readonly topic: string,
  ) {}

  async provision(): Promise<void> {
    await this.kafka.ensureTopic(this.topic);
  }

  async publish(head: SignedHead): Promise<void> {
    const encoded = encodeEvent('audit-ledger', {
      schema: TreeHeadSignedSchema,
      message: { head: signedTreeHeadMessage(head) },
      // Derived from the head, so publishing the same head again repeats the same id.
      id: deterministicUuidV7(head.timestampMs, `tree-head:${head.treeSize}:${head.keyId}`),
      time: new Date(head.timestampMs),
      subject: `tree-head:${head.treeSize}`,
      actor: { kind: 'system', id: 'audit-ledger' },
    });
    await this.kafka.producer.send({
      topic: this.topic,
      acks: -1,
      // One key for every head, so they stay in order on one partition.
      messages: [{ key: 'tree-head', value: encoded.value, headers: encoded.headers }],
    });
  }
}
