import { Schema } from 'mongoose';
import { outboxPlugin } from '@cairn/events';

export interface OrganisationDocument {
  /** ODS code. */
  _id: string;
  name: string;
  /** The first practice administrator, named by the platform administrator who created it. */
  administratorEmail: string;
  createdAt: Date;
  createdBy: string;
}

export const organisationSchema = new Schema<OrganisationDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    administratorEmail: { type: String, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
  },
  { versionKey: false },
);
organisationSchema.plugin(outboxPlugin);
