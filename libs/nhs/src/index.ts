// @cairn/nhs: NHS identifiers and UK numbers, checked the same way everywhere (see README.md).
// Relative imports name their .ts files so Node can run these sources directly (the GP
// simulator in tools/gp-simulator does); tsc rewrites them to .js when building.
export * from './nhs-number.ts';
export * from './ods-code.ts';
export * from './uk-mobile.ts';
export * from './fhir-codes.ts';
export * from './synthetic/index.ts';
