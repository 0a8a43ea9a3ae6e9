// The vault's plain types, shared by use cases and the RPC mapping (no proto, no mongoose).
import type { ActorRef } from '@cairn/events';
import type { PhotoQuality } from '../processing/photo-quality';

export type MediaKind = 'image' | 'pdf';

/** Who deleted an object logically, as a category (never the person, never the reason). */
export type DeletedBy = 'patient' | 'staff' | 'unknown';

/** A logical deletion as it may be shown to a subject access: when and by whom (category). */
export interface DeletionView {
  readonly at: Date;
  readonly by: DeletedBy;
}

export interface MediaObjectView {
  readonly objectId: string;
  readonly organisation: string;
  readonly groupId: string;
  readonly kind: MediaKind;
  readonly mediaType: string;
  readonly originalMediaType: string;
  readonly filename: string;
  readonly sizeBytes: number;
  readonly originalSizeBytes: number;
  readonly originalSha256: Buffer;
  readonly storedSha256: Buffer;
  readonly width: number;
  readonly height: number;
  readonly pageCount: number;
  readonly thumbnailAvailable: boolean;
  readonly quality: PhotoQuality | null;
  readonly createdAt: Date;
  /**
   * Set only for an object deleted logically, which only a subject access list returns. The
   * free-text reason stays in the vault and the audit trail (ObjectDeleted): it may name others.
   */
  readonly deleted: DeletionView | null;
}

/**
 * Why staff touch objects: ordinary (direct care, a clinical role) or answering a subject access
 * request (the organisation's caldicott-guardian or privacy-officer; read and list only).
 */
export type AccessPurpose = 'care' | 'subject-access';

/**
 * Who may touch which objects. Staff: their token's organisation, any group. The gateway (a
 * service acting for a patient): the organisation and group it names, which must match the
 * object's.
 */
export type AccessScope =
  | {
      readonly kind: 'staff';
      readonly organisation: string;
      readonly staffId: string;
      /** Absent means 'care'. */
      readonly purpose?: AccessPurpose;
    }
  | {
      readonly kind: 'service';
      readonly service: string;
      readonly organisation: string;
      readonly groupId: string;
    };

export function actorOf(scope: AccessScope): ActorRef {
  // A patient acts through the gateway: the actor id is the response (group) id, never an NHS number.
  return scope.kind === 'staff'
    ? { kind: 'staff', id: scope.staffId }
    : { kind: 'patient', id: scope.groupId };
}

export function describeActor(actor: ActorRef): string {
  return `${actor.kind}:${actor.id}`;
}

/** The category of a deletion's recorded actor ("patient:<group>", "staff:<id>"). */
export function deletedByOf(describedActor: string): DeletedBy {
  const kind = describedActor.split(':', 1)[0];
  return kind === 'patient' || kind === 'staff' ? kind : 'unknown';
}

/** Whether a scope may see objects deleted logically: subject access only. */
export function seesDeleted(scope: AccessScope): boolean {
  return scope.kind === 'staff' && scope.purpose === 'subject-access';
}

/** A file name reduced to safe characters (display and Content-Disposition only). */
export function safeFilename(raw: string, fallback: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N} ._()-]/gu, '_')
    .replace(/^[.\s]+/, '')
    .slice(0, 100)
    .trim();
  return cleaned || fallback;
}
