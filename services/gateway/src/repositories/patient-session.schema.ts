// Short-lived patient sessions after the date-of-birth check: the cookie holds a random secret,
// this collection its hash and the link it opens. Nothing about the patient is stored here.
import { Schema } from 'mongoose';

export interface PatientSessionDocument {
  /** hex SHA-256 of the cookie value. */
  _id: string;
  linkId: string;
  createdAt: Date;
  expiresAt: Date;
}

export const patientSessionSchema = new Schema<PatientSessionDocument>(
  {
    _id: { type: String, required: true },
    linkId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
