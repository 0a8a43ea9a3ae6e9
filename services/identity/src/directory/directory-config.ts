// The directory's environment variables, for identity's config schema (src/config), which stays
// the only reader of process.env:
//   identityConfigSchema = baseConfigSchema.extend({ ...directoryConfigShape, … })
//     .superRefine((config, ctx) => { refineDirectoryConfig(config, ctx); … })
//   DirectoryModule.forRoot({ clinicalSystem: clinicalSystemOptionsFromConfig(config), … })
import { DEFAULT_SYNTHETIC_PRACTICES, parseOdsCode } from '@cairn/nhs';
import { ConfigError, envVar } from '@cairn/platform';
import { z } from 'zod';
import type { FhirClinicalSystemOptions } from './clinical-system/fhir/fhir-clinical-system';

const KINDS = ['fhir', 'simulated'] as const;

export const directoryConfigShape = {
  /** Which clinical-system adapter: FHIR R4 over HTTP, or the in-process simulated GP system. */
  DIRECTORY_CLINICAL_SYSTEM: z.enum(KINDS, { error: `expected one of ${KINDS.join(', ')}` }),
  /** FHIR base URL (required with fhir), e.g. https://gp.example.nhs.uk/fhir/R4. */
  DIRECTORY_FHIR_URL: envVar.url().optional(),
  /** Per-request timeout towards the FHIR server. */
  DIRECTORY_FHIR_TIMEOUT: envVar.duration().default(5_000),
  /** Timeout for filing a document to a record (save to record sends up to ~43 MiB). */
  DIRECTORY_FHIR_FILE_TIMEOUT: envVar.duration().default(30_000),
  /** Sent as the Authorization header to the FHIR server, e.g. "Bearer …". */
  DIRECTORY_FHIR_AUTHORIZATION: envVar.secret().optional(),
  /** Accept Ofcom drama-range mobiles (07700 900xxx) from the FHIR server: GP simulator only. */
  DIRECTORY_ALLOW_DRAMA_MOBILES: envVar.flag().default(false),
  /** Seed of the simulated GP system's synthetic data. */
  DIRECTORY_SIMULATOR_SEED: envVar.text().default('cairn'),
  /** Comma-separated ODS codes of the simulated practices. */
  DIRECTORY_SIMULATOR_PRACTICES: z
    .string()
    .transform((raw, ctx) => {
      const codes = raw.split(',').map((code) => code.trim());
      if (codes.some((code) => parseOdsCode(code) === undefined)) {
        ctx.issues.push({
          code: 'custom',
          message: 'expected comma-separated ODS codes, e.g. "A81001,A81002"',
          input: raw,
        });
        return z.NEVER;
      }
      return codes;
    })
    .default([...DEFAULT_SYNTHETIC_PRACTICES]),
};

export const directoryConfigSchema = z.object(directoryConfigShape);
export type DirectoryConfig = z.output<typeof directoryConfigSchema>;

export type ClinicalSystemOptions =
  | ({ readonly kind: 'fhir' } & Omit<FhirClinicalSystemOptions, 'logger' | 'fetch'>)
  | {
      readonly kind: 'simulated';
      readonly seed?: string;
      readonly practices?: readonly string[];
      readonly patientsPerPractice?: number;
    };

/** Cross-variable rules, for the service schema's superRefine. */
export function refineDirectoryConfig(
  config: DirectoryConfig,
  ctx: Pick<z.RefinementCtx, 'addIssue'>,
): void {
  if (config.DIRECTORY_CLINICAL_SYSTEM === 'fhir' && config.DIRECTORY_FHIR_URL === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['DIRECTORY_FHIR_URL'],
      message: 'required when DIRECTORY_CLINICAL_SYSTEM is fhir',
    });
  }
}

export function clinicalSystemOptionsFromConfig(config: DirectoryConfig): ClinicalSystemOptions {
  if (config.DIRECTORY_CLINICAL_SYSTEM === 'simulated') {
    return {
      kind: 'simulated',
      seed: config.DIRECTORY_SIMULATOR_SEED,
      practices: config.DIRECTORY_SIMULATOR_PRACTICES,
    };
  }
  if (config.DIRECTORY_FHIR_URL === undefined) {
    throw new ConfigError([
      {
        variable: 'DIRECTORY_FHIR_URL',
        problem: 'required when DIRECTORY_CLINICAL_SYSTEM is fhir',
      },
    ]);
  }
  return {
    kind: 'fhir',
    baseUrl: config.DIRECTORY_FHIR_URL,
    timeoutMs: config.DIRECTORY_FHIR_TIMEOUT,
    fileTimeoutMs: config.DIRECTORY_FHIR_FILE_TIMEOUT,
    allowDramaNumbers: config.DIRECTORY_ALLOW_DRAMA_MOBILES,
    ...(config.DIRECTORY_FHIR_AUTHORIZATION === undefined
      ? {}
      : { headers: { authorization: config.DIRECTORY_FHIR_AUTHORIZATION } }),
  };
}
