import { v7 } from 'uuid';

/** Time-ordered ids (UUIDv7) for documents we create. */
export function uuidv7(): string {
  return v7();
}
