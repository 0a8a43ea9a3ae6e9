import type { OdsCode } from '@cairn/nhs';
import { SimulatedClinicalSystem } from '../../clinical-system/simulated/simulated-clinical-system';
import { DirectoryErrorCode } from '../../domain/directory-error';
import type { LookUpRecorder } from '../record-look-up';
import { FindPatientUseCase } from './find-patient.usecase';

const A = 'A81001' as OdsCode;

function setup() {
  const clinical = new SimulatedClinicalSystem();
  const recorder = { found: jest.fn(), notFound: jest.fn() };
  const useCase = new FindPatientUseCase(clinical, recorder as unknown as LookUpRecorder);
  const find = (nhsNumber: string) =>
    useCase.execute({ odsCode: A, staffId: 'staff-1', nhsNumber });
  return { clinical, recorder, find };
}

async function failure(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the call to fail');
}

describe('find patient', () => {
  it('returns a patient registered here, after recording the look-up', async () => {
    const { clinical, recorder, find } = setup();
    const expected = clinical.data.scenario('A81001', 'ordinary');
    const spaced = `${expected.nhsNumber.slice(0, 3)} ${expected.nhsNumber.slice(3, 6)}-${expected.nhsNumber.slice(6)}`;
    const patient = await find(spaced);
    expect(patient.nhsNumber).toBe(expected.nhsNumber);
    expect(recorder.found).toHaveBeenCalledWith(
      expect.objectContaining({ odsCode: A, staffId: 'staff-1', method: 'nhs-number' }),
      patient,
    );
  });

  it('answers NotFound alike for a patient registered elsewhere and one that does not exist', async () => {
    const { clinical, recorder, find } = setup();
    const elsewhere = await failure(find(clinical.data.scenario('A81002', 'ordinary').nhsNumber));
    const movedAway = await failure(find(clinical.data.scenario('A81001', 'moved-away').nhsNumber));
    const nobody = await failure(find('9434765919'));
    expect(elsewhere).toEqual(nobody);
    expect(movedAway).toEqual(nobody);
    expect(nobody.code).toBe(DirectoryErrorCode.PatientNotFound);
    expect(recorder.notFound).toHaveBeenCalledTimes(3);
    expect(recorder.found).not.toHaveBeenCalled();
  });

  it.each(['', '943476591', '9434765918', '1234567890', '943476591X', '943.476.5919'])(
    'refuses the malformed NHS number %j without asking the clinical system',
    async (input) => {
      const { clinical, recorder, find } = setup();
      const spy = jest.spyOn(clinical, 'findPatient');
      const error = await failure(find(input));
      expect(error.code).toBe(DirectoryErrorCode.InvalidNhsNumber);
      if (input.length > 3) expect(error.message).not.toContain(input.slice(0, 4));
      expect(spy).not.toHaveBeenCalled();
      expect(recorder.found).not.toHaveBeenCalled();
      expect(recorder.notFound).not.toHaveBeenCalled();
    },
  );

  it('shows nothing when the look-up cannot be recorded', async () => {
    const { clinical, recorder, find } = setup();
    recorder.found.mockRejectedValue(new Error('database down'));
    await expect(find(clinical.data.scenario('A81001', 'ordinary').nhsNumber)).rejects.toThrow(
      'database down',
    );
  });
});
