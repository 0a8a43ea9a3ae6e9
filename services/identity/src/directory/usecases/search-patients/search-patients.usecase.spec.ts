import type { OdsCode } from '@cairn/nhs';
import { SimulatedClinicalSystem } from '../../clinical-system/simulated/simulated-clinical-system';
import { DirectoryErrorCode } from '../../domain/directory-error';
import type { LookUpRecorder } from '../record-look-up';
import { SearchPatientsUseCase } from './search-patients.usecase';

const A = 'A81001' as OdsCode;

describe('search patients', () => {
  const clinical = new SimulatedClinicalSystem();

  it('records every patient shown under one lookup id', async () => {
    const recorder = { found: jest.fn(), notFound: jest.fn() };
    const useCase = new SearchPatientsUseCase(clinical, recorder as unknown as LookUpRecorder);
    const target = clinical.data.scenario('A81001', 'sms-dissent');
    const result = await useCase.execute({
      odsCode: A,
      staffId: 'staff-1',
      search: { family: target.family.toLowerCase(), birthDate: target.birthDate },
    });
    expect(result.patients.map((p) => p.nhsNumber)).toContain(target.nhsNumber);
    expect(recorder.found).toHaveBeenCalledTimes(result.patients.length);
    const ids = new Set(recorder.found.mock.calls.map(([context]) => context.lookupId));
    expect(ids.size).toBe(1);
    expect(recorder.found.mock.calls[0]?.[0]).toMatchObject({ method: 'search', odsCode: A });
  });

  it('never finds a patient who moved away, nor a record with an invalid NHS number', async () => {
    const recorder = { found: jest.fn(), notFound: jest.fn() };
    const useCase = new SearchPatientsUseCase(clinical, recorder as unknown as LookUpRecorder);
    for (const scenario of ['moved-away', 'invalid-nhs-number'] as const) {
      const p = clinical.data.scenario('A81001', scenario);
      const result = await useCase.execute({
        odsCode: A,
        staffId: 'staff-1',
        search: { family: p.family, given: p.given[0], birthDate: p.birthDate },
      });
      expect(result.patients).toEqual([]);
    }
    expect(recorder.found).not.toHaveBeenCalled();
  });

  it('refuses a search that could list the practice', async () => {
    const recorder = { found: jest.fn(), notFound: jest.fn() };
    const useCase = new SearchPatientsUseCase(clinical, recorder as unknown as LookUpRecorder);
    await expect(
      useCase.execute({
        odsCode: A,
        staffId: 's',
        search: { family: 'S', birthDate: '1980-01-01' },
      }),
    ).rejects.toMatchObject({ code: DirectoryErrorCode.InvalidSearch });
  });
});
