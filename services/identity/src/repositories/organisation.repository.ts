import { Injectable } from '@nestjs/common';
import { Outbox, type OutboxEntry } from '@cairn/events';
import { IdentityError, IdentityErrorCode } from '../domain/identity-error';
import type { OdsCode } from '../domain/staff';
import { isDuplicateKey } from '@cairn/platform';
import { IdentityDatabase } from './identity-database';
import type { OrganisationDocument } from './organisation.schema';

export interface Organisation {
  readonly odsCode: OdsCode;
  readonly name: string;
  readonly administratorEmail: string;
  readonly createdAt: Date;
  readonly createdBy: string;
}

@Injectable()
export class OrganisationRepository {
  constructor(
    private readonly db: IdentityDatabase,
    private readonly outbox: Outbox,
  ) {}

  async create(organisation: Organisation, events: readonly OutboxEntry[]): Promise<Organisation> {
    try {
      await this.outbox.create(
        this.db.organisations,
        {
          _id: organisation.odsCode,
          name: organisation.name,
          administratorEmail: organisation.administratorEmail,
          createdAt: organisation.createdAt,
          createdBy: organisation.createdBy,
        },
        events,
      );
      return organisation;
    } catch (error) {
      if (isDuplicateKey(error)) {
        throw new IdentityError(
          IdentityErrorCode.OrganisationExists,
          'an organisation with this ODS code already exists',
        );
      }
      throw error;
    }
  }

  async find(odsCode: OdsCode): Promise<Organisation | undefined> {
    const doc = await this.db.organisations.findById(odsCode).lean().exec();
    return doc ? toOrganisation(doc) : undefined;
  }
}

function toOrganisation(doc: OrganisationDocument): Organisation {
  return {
    odsCode: doc._id as OdsCode,
    name: doc.name,
    administratorEmail: doc.administratorEmail,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
  };
}
