// Platform-wide singletons, one document each (e.g. the bootstrap marker: inserting it is what
// lets exactly one BootstrapPlatformAdmin succeed).
import { Schema } from 'mongoose';

export interface PlatformSettingDocument {
  _id: string;
  value: Record<string, unknown>;
  at: Date;
}

export const platformSettingSchema = new Schema<PlatformSettingDocument>(
  {
    _id: { type: String, required: true },
    value: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
