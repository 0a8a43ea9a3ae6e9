// Test fake of the clinical-system port: users exist only once a test says so.
import { ClinicalSystemUsers } from '../../src/domain/clinical-system-users';
import type { ClinicalSystem, OdsCode } from '../../src/domain/staff';

export class FakeClinicalSystemUsers extends ClinicalSystemUsers {
  private readonly users = new Set<string>();

  add(ods: string, system: ClinicalSystem, userId: string): void {
    this.users.add(`${ods}|${system}|${userId}`);
  }

  async exists(ods: OdsCode, system: ClinicalSystem, userId: string): Promise<boolean> {
    return this.users.has(`${ods}|${system}|${userId}`);
  }
}
