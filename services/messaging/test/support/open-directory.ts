// A directory in which every valid NHS number is a registered, living, consenting patient with a
// UK mobile derived from the number (for the restart test's child process and the benchmark,
// which must not depend on identity).
import { isValidNhsNumber } from '@cairn/nhs';
import { PatientDirectory, type PatientFacts } from '../../src/directory/patient-directory.port';

export function mobileOf(nhsNumber: string): string {
  return `+447400${nhsNumber.slice(-6)}`;
}

export class OpenDirectory extends PatientDirectory {
  async lookUp(_organisation: string, nhsNumber: string): Promise<PatientFacts | undefined> {
    if (!isValidNhsNumber(nhsNumber)) return undefined;
    return {
      registered: true,
      deceased: false,
      smsDissent: false,
      mobile: { status: 'valid', e164: mobileOf(nhsNumber) },
    };
  }
}
