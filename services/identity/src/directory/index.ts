// The patient directory's public surface for the rest of the identity service.
export * from './clinical-system/clinical-system.port';
export * from './clinical-system/fhir/fhir-clinical-system';
export * from './clinical-system/simulated/simulated-clinical-system';
export * from './directory-config';
export * from './directory.module';
export * from './domain/directory-clock';
export * from './domain/directory-error';
export * from './domain/patient';
export * from './domain/patient-search';
export * from './domain/record-document';
export * from './events/directory-events';
