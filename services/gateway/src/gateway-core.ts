// The gateway's use cases wired to their repositories and ports: built once by the composition
// root (gateway.ts) and, with fakes for the other services, by tests.
import { Outbox, type OutboxNudge } from '@cairn/events';
import { DateOfBirthDigester } from './domain/date-of-birth';
import { Clock, type GatewaySettings } from './domain/settings';
import { GatewayEvents } from './events/gateway-events';
import { ClinicalRecord, PatientDirectory } from './ports/identity.port';
import { MediaVault } from './ports/media-vault.port';
import { Messaging } from './ports/messaging.port';
import type { Retention } from './ports/retention.port';
import type { AuditLedger } from './ports/audit-ledger.port';
import { SubjectAccessRepository } from './repositories/subject-access.repository';
import { AssembleSubjectAccessUseCase } from './usecases/assemble-subject-access/assemble-subject-access.usecase';
import { StaffIdentity } from './ports/staff-identity.port';
import { StaffSessionRepository } from './repositories/staff-session.repository';
import { ManageStaffUseCase } from './usecases/manage-staff/manage-staff.usecase';
import { StaffSessions } from './usecases/shared/staff-sessions';
import { GatewayDatabase } from './repositories/gateway-database';
import { PatientLinkRepository } from './repositories/patient-link.repository';
import { PatientSessionRepository } from './repositories/patient-session.repository';
import { StaffViewRepository } from './repositories/staff-view.repository';
import { AttachPhotoUseCase } from './usecases/attach-photo/attach-photo.usecase';
import { DeleteResponseUseCase } from './usecases/delete-response/delete-response.usecase';
import { IssueDocumentLinkUseCase } from './usecases/issue-document-link/issue-document-link.usecase';
import { IssuePatientLinkUseCase } from './usecases/issue-patient-link/issue-patient-link.usecase';
import { ListInboxUseCase } from './usecases/list-inbox/list-inbox.usecase';
import { OpenPatientLinkUseCase } from './usecases/open-patient-link/open-patient-link.usecase';
import { ReadDocumentUseCase } from './usecases/read-document/read-document.usecase';
import { RemovePhotoUseCase } from './usecases/remove-photo/remove-photo.usecase';
import { SaveResponseTextUseCase } from './usecases/save-response-text/save-response-text.usecase';
import { SaveResponseToRecordUseCase } from './usecases/save-response-to-record/save-response-to-record.usecase';
import { PatientSessions } from './usecases/shared/patient-session';
import { SubmitResponseUseCase } from './usecases/submit-response/submit-response.usecase';
import { VerifyDateOfBirthUseCase } from './usecases/verify-date-of-birth/verify-date-of-birth.usecase';
import { ViewPatientUseCase } from './usecases/view-patient/view-patient.usecase';
import { ViewResponseUseCase } from './usecases/view-response/view-response.usecase';

export interface GatewayPorts {
  readonly vault: MediaVault;
  readonly messaging: Messaging;
  readonly directory: PatientDirectory;
  readonly record: ClinicalRecord;
  readonly identity: StaffIdentity;
  /** Retention (RETENTION_URL); absent when not configured: its pages say so. */
  readonly retention?: Retention;
  /** The audit ledger (AUDIT_LEDGER_URL), for the audit trail in subject access packages. */
  readonly auditLedger?: AuditLedger;
}

export class GatewayCore {
  readonly links: PatientLinkRepository;
  readonly patientSessions: PatientSessions;
  readonly openLink: OpenPatientLinkUseCase;
  readonly verifyDateOfBirth: VerifyDateOfBirthUseCase;
  readonly saveText: SaveResponseTextUseCase;
  readonly attachPhoto: AttachPhotoUseCase;
  readonly removePhoto: RemovePhotoUseCase;
  readonly submitResponse: SubmitResponseUseCase;
  readonly issueLink: IssuePatientLinkUseCase;
  readonly issueDocument: IssueDocumentLinkUseCase;
  readonly readDocument: ReadDocumentUseCase;
  readonly listInbox: ListInboxUseCase;
  readonly viewResponse: ViewResponseUseCase;
  readonly saveToRecord: SaveResponseToRecordUseCase;
  readonly deleteResponse: DeleteResponseUseCase;
  readonly viewPatient: ViewPatientUseCase;
  readonly staffSessions: StaffSessions;
  readonly manageStaff: ManageStaffUseCase;
  readonly subjectAccess: AssembleSubjectAccessUseCase;

  constructor(
    readonly db: GatewayDatabase,
    readonly ports: GatewayPorts,
    readonly settings: GatewaySettings,
    linkKey: Uint8Array,
    relay?: OutboxNudge,
    readonly clock: Clock = new Clock(),
  ) {
    const events = new GatewayEvents(
      new Outbox({ service: 'gateway', topic: settings.eventsTopic, relay }),
    );
    const digester = new DateOfBirthDigester(linkKey);
    this.links = new PatientLinkRepository(db, events.outbox);
    const sessions = new PatientSessionRepository(db);
    const views = new StaffViewRepository(db, events);
    this.patientSessions = new PatientSessions(sessions, this.links, settings, clock);
    this.openLink = new OpenPatientLinkUseCase(this.links, settings, clock);
    this.verifyDateOfBirth = new VerifyDateOfBirthUseCase(
      this.links,
      sessions,
      digester,
      events,
      settings,
      clock,
    );
    this.saveText = new SaveResponseTextUseCase(this.links);
    this.attachPhoto = new AttachPhotoUseCase(this.links, ports.vault, settings);
    this.removePhoto = new RemovePhotoUseCase(this.links, ports.vault);
    this.submitResponse = new SubmitResponseUseCase(this.links, events, clock);
    this.issueLink = new IssuePatientLinkUseCase(
      this.links,
      ports.directory,
      ports.messaging,
      digester,
      events,
      settings,
      clock,
    );
    this.issueDocument = new IssueDocumentLinkUseCase(
      this.links,
      ports.directory,
      ports.messaging,
      ports.vault,
      digester,
      events,
      settings,
      clock,
    );
    this.readDocument = new ReadDocumentUseCase(ports.vault);
    this.listInbox = new ListInboxUseCase(this.links, views);
    this.viewResponse = new ViewResponseUseCase(this.links, ports.vault, events, clock);
    this.saveToRecord = new SaveResponseToRecordUseCase(
      this.links,
      ports.vault,
      ports.record,
      events,
      clock,
    );
    this.deleteResponse = new DeleteResponseUseCase(this.links, events, clock);
    this.viewPatient = new ViewPatientUseCase(ports.directory, ports.messaging, this.links, views);
    this.staffSessions = new StaffSessions(ports.identity, new StaffSessionRepository(db), clock);
    this.manageStaff = new ManageStaffUseCase(ports.identity);
    this.subjectAccess = new AssembleSubjectAccessUseCase({
      directory: ports.directory,
      messaging: ports.messaging,
      vault: ports.vault,
      links: this.links,
      retention: ports.retention,
      auditLedger: ports.auditLedger,
      recorder: new SubjectAccessRepository(db, events),
      clock,
    });
  }
}
