// An in-memory patient directory for tests and the benchmark: patients exist once added, and a
// look-up records the credentials it was called with (to prove the caller's token is passed on).
import {
  PatientDirectory,
  type DirectoryCredentials,
  type PatientFacts,
} from '../../src/directory/patient-directory.port';

export class FakeDirectory extends PatientDirectory {
  private readonly patients = new Map<string, PatientFacts>();
  readonly calls: { organisation: string; nhsNumber: string; credentials: DirectoryCredentials }[] =
    [];
  record = true;

  set(organisation: string, nhsNumber: string, facts: PatientFacts | undefined): void {
    const key = `${organisation}|${nhsNumber}`;
    if (facts) this.patients.set(key, facts);
    else this.patients.delete(key);
  }

  async lookUp(
    organisation: string,
    nhsNumber: string,
    credentials: DirectoryCredentials,
  ): Promise<PatientFacts | undefined> {
    if (this.record) this.calls.push({ organisation, nhsNumber, credentials });
    return this.patients.get(`${organisation}|${nhsNumber}`);
  }
}

export function patient(mobile = '+447400123456', extra: Partial<PatientFacts> = {}): PatientFacts {
  return {
    registered: true,
    deceased: false,
    smsDissent: false,
    mobile: { status: 'valid', e164: mobile },
    ...extra,
  };
}

/** Valid NHS numbers (modulus 11) from a counter, for batches. */
export function nhsNumbers(count: number, start = 100_000_000): string[] {
  const out: string[] = [];
  for (let n = start; out.length < count; n += 1) {
    const digits = String(n).padStart(9, '0');
    let sum = 0;
    for (let i = 0; i < 9; i += 1) sum += Number(digits[i]) * (10 - i);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    out.push(digits + String(check === 11 ? 0 : check));
  }
  return out;
}

/** Distinct valid UK mobiles (07400 range) for recipients. */
export function mobileFor(index: number): string {
  return `+447400${String(index).padStart(6, '0')}`;
}
