// Who caused an event, as the `cairn_actor` header ("staff:<user id>", "patient:<response
// request id>", "system:<component>") and as the cairn.common.v1.Actor message.
import { create } from '@bufbuild/protobuf';
import { ActorSchema, Actor_Kind, type Actor } from '@cairn/contracts/cairn/common/v1/event_pb';

export type ActorKind = 'staff' | 'patient' | 'system';

export interface ActorRef {
  kind: ActorKind;
  /** Never an NHS number or anything else a person could be identified by outside Cairn. */
  id: string;
}

const KINDS: Record<ActorKind, Actor_Kind> = {
  staff: Actor_Kind.STAFF,
  patient: Actor_Kind.PATIENT,
  system: Actor_Kind.SYSTEM,
};

export function formatActor(actor: ActorRef): string {
  if (!(actor.kind in KINDS)) throw new Error(`unknown actor kind "${String(actor.kind)}"`);
  if (!actor.id) throw new Error('an actor needs an id');
  return `${actor.kind}:${actor.id}`;
}

/** Undefined for a header that is not "<kind>:<id>" with a known kind. */
export function parseActor(header: string | undefined): ActorRef | undefined {
  if (!header) return undefined;
  const colon = header.indexOf(':');
  if (colon <= 0 || colon === header.length - 1) return undefined;
  const kind = header.slice(0, colon);
  if (!(kind in KINDS)) return undefined;
  return { kind: kind as ActorKind, id: header.slice(colon + 1) };
}

export function actorToProto(actor: ActorRef): Actor {
  return create(ActorSchema, { kind: KINDS[actor.kind], id: actor.id });
}
