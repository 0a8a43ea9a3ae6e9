// Turns a ledger leaf's payload (the protobuf binary of its `ce_type`) back into readable JSON
// for auditors, with one protobuf-es registry of every Cairn event type. A type the registry does
// not know, or bytes that do not parse as that type, are shown as base64 and said so.
import { createRegistry, fromBinary, toJson, type DescFile } from '@bufbuild/protobuf';
import { file_cairn_audit_ledger_events_v1_events } from '@cairn/contracts/cairn/audit_ledger/events/v1/events_pb';
import { file_cairn_common_v1_erasure } from '@cairn/contracts/cairn/common/v1/erasure_pb';
import { file_cairn_common_v1_event } from '@cairn/contracts/cairn/common/v1/event_pb';
import { file_cairn_devtest_events_v1_events } from '@cairn/contracts/cairn/devtest/events/v1/events_pb';
import { file_cairn_gateway_events_v1_events } from '@cairn/contracts/cairn/gateway/events/v1/events_pb';
import { file_cairn_identity_events_v1_directory_events } from '@cairn/contracts/cairn/identity/events/v1/directory_events_pb';
import { file_cairn_identity_events_v1_events } from '@cairn/contracts/cairn/identity/events/v1/events_pb';
import { file_cairn_media_vault_events_v1_events } from '@cairn/contracts/cairn/media_vault/events/v1/events_pb';
import { file_cairn_messaging_events_v1_events } from '@cairn/contracts/cairn/messaging/events/v1/events_pb';
import { file_cairn_retention_events_v1_erasure_events } from '@cairn/contracts/cairn/retention/events/v1/erasure_events_pb';
import { file_cairn_retention_events_v1_retention_events } from '@cairn/contracts/cairn/retention/events/v1/retention_events_pb';

/** Every generated file that declares event messages (ce_type = the message's full name). */
export const EVENT_FILES: readonly DescFile[] = [
  file_cairn_common_v1_event,
  file_cairn_common_v1_erasure,
  file_cairn_identity_events_v1_events,
  file_cairn_identity_events_v1_directory_events,
  file_cairn_messaging_events_v1_events,
  file_cairn_gateway_events_v1_events,
  file_cairn_media_vault_events_v1_events,
  file_cairn_audit_ledger_events_v1_events,
  file_cairn_retention_events_v1_retention_events,
  file_cairn_retention_events_v1_erasure_events,
  file_cairn_devtest_events_v1_events,
];

export type DecodedPayload =
  | { readonly status: 'decoded'; readonly type: string; readonly json: string }
  | { readonly status: 'unknown-type'; readonly type: string; readonly base64: string }
  | { readonly status: 'undecodable'; readonly type: string; readonly base64: string };

export class EventPayloadDecoder {
  private readonly registry = createRegistry(...EVENT_FILES);

  /** Whether `type` (a protobuf full name, as in `ce_type`) is a known message. */
  knows(type: string): boolean {
    return this.registry.getMessage(type) !== undefined;
  }

  decode(type: string, payload: Uint8Array): DecodedPayload {
    const schema = this.registry.getMessage(type);
    // Wrapped at 76 characters, as MIME does, so the page never needs to scroll sideways.
    const base64 = (
      Buffer.from(payload)
        .toString('base64')
        .match(/.{1,76}/g) ?? []
    ).join('\n');
    if (!schema) return { status: 'unknown-type', type, base64 };
    try {
      const message = fromBinary(schema, payload);
      const json = toJson(schema, message, { registry: this.registry, alwaysEmitImplicit: true });
      return { status: 'decoded', type, json: JSON.stringify(json, null, 2) };
    } catch {
      // Bytes that are not this message (a producer's bug, or a malformed leaf's value).
      return { status: 'undecodable', type, base64 };
    }
  }
}
