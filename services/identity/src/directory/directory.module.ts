// The patient directory as a Nest module: the clinical-system adapter chosen by configuration,
// the use cases, the access-event recording, and the PatientDirectoryService and
// ClinicalRecordService RPCs (found by the platform's RpcModule wherever this module is
// imported). See README.md for wiring.
import type { Outbox } from '@cairn/events';
import type { Logger } from '@cairn/platform';
import {
  Inject,
  Module,
  type DynamicModule,
  type INestApplicationContext,
  type OnModuleInit,
} from '@nestjs/common';
import type { Connection, Model } from 'mongoose';
import { ClinicalSystem } from './clinical-system/clinical-system.port';
import { FhirClinicalSystem } from './clinical-system/fhir/fhir-clinical-system';
import { SimulatedClinicalSystem } from './clinical-system/simulated/simulated-clinical-system';
import type { ClinicalSystemOptions } from './directory-config';
import { DirectoryClock, systemDirectoryClock } from './domain/directory-clock';
import { DirectoryEvents } from './events/directory-events';
import { DirectoryRepository } from './repositories/directory.repository';
import { RecordFilingRepository } from './repositories/record-filing.repository';
import { ClinicalRecordRpc } from './rpc/clinical-record.rpc';
import { PatientDirectoryRpc } from './rpc/patient-directory.rpc';
import { FindPatientUseCase } from './usecases/find-patient/find-patient.usecase';
import { LookUpRecorder } from './usecases/record-look-up';
import { SaveToRecordUseCase } from './usecases/save-to-record/save-to-record.usecase';
import { SearchPatientsUseCase } from './usecases/search-patients/search-patients.usecase';

export interface DirectoryModuleOptions {
  /** Which adapter and its settings (clinicalSystemOptionsFromConfig), or a ready instance. */
  readonly clinicalSystem: ClinicalSystemOptions | ClinicalSystem;
  /** Identity's mongoose connection; the directory adds its directory_* collections. */
  readonly connection: Connection;
  /** Identity's outbox (service "identity"): the directory's events go out on its topic. */
  readonly outbox: Outbox;
  readonly logger?: Logger;
  readonly clock?: DirectoryClock;
}

export function createClinicalSystem(
  options: ClinicalSystemOptions | ClinicalSystem,
  logger?: Logger,
): ClinicalSystem {
  if (options instanceof ClinicalSystem) return options;
  if (options.kind === 'simulated') {
    const { kind: _kind, ...synthetic } = options;
    return new SimulatedClinicalSystem(synthetic);
  }
  const { kind: _kind, ...fhir } = options;
  return new FhirClinicalSystem({ ...fhir, logger: logger?.child({ component: 'directory' }) });
}

@Module({})
export class DirectoryModule implements OnModuleInit {
  constructor(
    @Inject(DirectoryRepository) private readonly repository: DirectoryRepository,
    @Inject(RecordFilingRepository) private readonly filings: RecordFilingRepository,
  ) {}

  static forRoot(options: DirectoryModuleOptions): DynamicModule {
    return {
      module: DirectoryModule,
      providers: [
        {
          provide: ClinicalSystem,
          useValue: createClinicalSystem(options.clinicalSystem, options.logger),
        },
        { provide: DirectoryClock, useValue: options.clock ?? systemDirectoryClock },
        {
          provide: DirectoryRepository,
          useValue: new DirectoryRepository(options.connection, options.outbox),
        },
        {
          provide: RecordFilingRepository,
          useValue: new RecordFilingRepository(options.connection, options.outbox),
        },
        { provide: DirectoryEvents, useValue: new DirectoryEvents(options.outbox) },
        LookUpRecorder,
        FindPatientUseCase,
        SearchPatientsUseCase,
        SaveToRecordUseCase,
        PatientDirectoryRpc,
        ClinicalRecordRpc,
      ],
      exports: [ClinicalSystem, FindPatientUseCase, SearchPatientsUseCase, SaveToRecordUseCase],
    };
  }

  /** The directory's models whose documents carry outbox events: register them with the relay. */
  static outboxModels(app: INestApplicationContext): Model<unknown>[] {
    return [
      ...app.get(DirectoryRepository).outboxModels,
      ...app.get(RecordFilingRepository).outboxModels,
    ];
  }

  async onModuleInit(): Promise<void> {
    await this.repository.ensureIndexes();
    await this.filings.ensureIndexes();
  }
}
