// A legal hold: who placed it, why, on what; it blocks disposal and erasure until cleared.
import type { Scope } from './erasure';
import type { Signature } from './staff-signer';

export interface LegalHold {
  readonly holdId: string;
  readonly organisation: string;
  readonly scope: Scope;
  readonly reason: string;
  readonly placedBy: Signature;
  readonly clearedBy?: Signature;
  readonly clearReason?: string;
  readonly active: boolean;
}
