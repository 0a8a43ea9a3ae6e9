// Small mongoose helpers the directory's repositories share.
import type { Connection, Model, Schema } from 'mongoose';

/** The connection's model of this name, compiled on first use (tests may build several repositories). */
export function model<T>(
  connection: Connection,
  name: string,
  schema: Schema<T>,
  collection: string,
): Model<T> {
  const existing = connection.models[name] as unknown as Model<T> | undefined;
  return existing ?? (connection.model(name, schema, collection) as unknown as Model<T>);
}
