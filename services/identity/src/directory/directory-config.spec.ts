import { ConfigError } from '@cairn/platform';
import { z } from 'zod';
import { FhirClinicalSystem } from './clinical-system/fhir/fhir-clinical-system';
import { SimulatedClinicalSystem } from './clinical-system/simulated/simulated-clinical-system';
import {
  clinicalSystemOptionsFromConfig,
  directoryConfigShape,
  refineDirectoryConfig,
} from './directory-config';
import { createClinicalSystem } from './directory.module';

const schema = z.object(directoryConfigShape).superRefine(refineDirectoryConfig);

describe('directory configuration', () => {
  it('defaults to the simulated practices with the simulated adapter', () => {
    const config = schema.parse({ DIRECTORY_CLINICAL_SYSTEM: 'simulated' });
    const options = clinicalSystemOptionsFromConfig(config);
    expect(options).toEqual({
      kind: 'simulated',
      seed: 'cairn',
      practices: ['A81001', 'A81002', 'A81003'],
    });
    expect(createClinicalSystem(options)).toBeInstanceOf(SimulatedClinicalSystem);
  });

  it('builds the FHIR adapter with its timeout, credentials and no drama numbers by default', () => {
    const config = schema.parse({
      DIRECTORY_CLINICAL_SYSTEM: 'fhir',
      DIRECTORY_FHIR_URL: 'https://gp.example.nhs.uk/fhir/R4',
      DIRECTORY_FHIR_TIMEOUT: '3s',
      DIRECTORY_FHIR_AUTHORIZATION: 'Bearer abc',
    });
    const options = clinicalSystemOptionsFromConfig(config);
    expect(options).toEqual({
      kind: 'fhir',
      baseUrl: 'https://gp.example.nhs.uk/fhir/R4',
      timeoutMs: 3_000,
      fileTimeoutMs: 30_000,
      allowDramaNumbers: false,
      headers: { authorization: 'Bearer abc' },
    });
    expect(createClinicalSystem(options)).toBeInstanceOf(FhirClinicalSystem);
  });

  it('refuses the FHIR adapter without a URL, and a bad practice list, naming the variable', () => {
    const missing = schema.safeParse({ DIRECTORY_CLINICAL_SYSTEM: 'fhir' });
    expect(missing.error?.issues.map((i) => i.path.join('.'))).toEqual(['DIRECTORY_FHIR_URL']);
    const practices = schema.safeParse({
      DIRECTORY_CLINICAL_SYSTEM: 'simulated',
      DIRECTORY_SIMULATOR_PRACTICES: 'A81001,nope!',
    });
    expect(practices.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'DIRECTORY_SIMULATOR_PRACTICES',
    ]);
    expect(schema.safeParse({}).success).toBe(false);
    expect(() =>
      clinicalSystemOptionsFromConfig({
        ...schema.parse({ DIRECTORY_CLINICAL_SYSTEM: 'simulated' }),
        DIRECTORY_CLINICAL_SYSTEM: 'fhir',
      }),
    ).toThrow(ConfigError);
  });
});
