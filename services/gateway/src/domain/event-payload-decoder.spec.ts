import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { PatientLinkAttemptFailedSchema } from '@cairn/contracts/cairn/gateway/events/v1/events_pb';
import { EVENT_FILES, EventPayloadDecoder } from './event-payload-decoder';

const GEN = join(__dirname, '../../../../libs/contracts/src/gen');

function eventFilesOnDisk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return eventFilesOnDisk(path);
    return /events?_pb\.ts$|erasure_pb\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('EventPayloadDecoder', () => {
  const decoder = new EventPayloadDecoder();

  it('decodes an event by its ce_type into JSON, default fields included', () => {
    const type = PatientLinkAttemptFailedSchema.typeName;
    const bytes = toBinary(
      PatientLinkAttemptFailedSchema,
      create(PatientLinkAttemptFailedSchema, {
        requestId: 'req-1',
        odsCode: 'A81001',
        attempts: 5,
      }),
    );
    const decoded = decoder.decode(type, bytes);
    expect(decoded.status).toBe('decoded');
    expect(JSON.parse((decoded as { json: string }).json)).toMatchObject({
      requestId: 'req-1',
      odsCode: 'A81001',
      attempts: 5,
      locked: false,
    });
  });

  it('shows an unknown type as base64 and says so', () => {
    const decoded = decoder.decode('cairn.nowhere.v1.Mystery', Buffer.from('hello'));
    expect(decoded).toEqual({
      status: 'unknown-type',
      type: 'cairn.nowhere.v1.Mystery',
      base64: 'aGVsbG8=',
    });
  });

  it('says so when the bytes are not the named message', () => {
    const decoded = decoder.decode(PatientLinkAttemptFailedSchema.typeName, Buffer.from([0xff]));
    expect(decoded.status).toBe('undecodable');
  });

  it('knows every generated events file in libs/contracts', () => {
    const registered = new Set(EVENT_FILES.map((file) => file.name));
    const onDisk = eventFilesOnDisk(GEN).map((path) =>
      path.slice(GEN.length + 1).replace(/_pb\.ts$/, ''),
    );
    expect(onDisk.length).toBeGreaterThan(5);
    for (const name of onDisk) expect(registered).toContain(name);
  });
});
