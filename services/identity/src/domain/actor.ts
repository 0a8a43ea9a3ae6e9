// Who is asking, as the use cases see it: taken from verified token claims by the RPC layer.
import type { OdsCode, PlatformRole, StaffRole } from './staff';

export interface StaffActor {
  readonly staffId: string;
  readonly organisation: OdsCode | null;
  readonly roles: readonly StaffRole[];
  readonly platformRoles: readonly PlatformRole[];
  readonly sessionId: string;
}
