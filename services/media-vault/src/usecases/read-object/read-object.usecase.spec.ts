import type { Logger } from 'pino';
import { MediaError, MediaErrorCode } from '../../domain/media-error';
import type { AccessScope } from '../../domain/media-object';
import type { MediaEvents } from '../../events/media-events';
import type { ObjectDocument } from '../../repositories/media.schema';
import type { ObjectRepository } from '../../repositories/object.repository';
import type { ObjectDecrypter } from './object-decrypter';
import { ReadObjectUseCase } from './read-object.usecase';

// The repository's two look-ups as the real one answers them for a logically deleted object:
// findVisible says NotFound, findHeld (not erased) finds it.
function fakes() {
  const deletedAt = new Date(7);
  const doc = {
    _id: 'o1',
    organisation: 'A81001',
    groupId: 'response-1',
    kind: 'image',
    mediaType: 'image/jpeg',
    filename: 'arm.jpg',
    storedSha256: Buffer.alloc(32),
    deleted: { at: deletedAt, by: 'patient:response-1', reason: 'Removed by the patient' },
    erased: null,
  } as unknown as ObjectDocument;
  const notFound = () => new MediaError(MediaErrorCode.NotFound, 'no such object');
  const accesses: unknown[][] = [];
  const recorded: string[] = [];
  const objects = {
    findVisible: async () => {
      throw notFound();
    },
    findHeld: async (organisation: string, id: string) => {
      if (organisation !== doc.organisation || id !== doc._id) throw notFound();
      return doc;
    },
    recordAccess: async (id: string) => void recorded.push(id),
  } as unknown as ObjectRepository;
  const decrypter = { decrypt: async () => Buffer.from('bytes') } as unknown as ObjectDecrypter;
  const events = {
    accessed: (...args: unknown[]) => {
      accesses.push(args);
      return { id: 'e', topic: 't', record: Buffer.alloc(0) };
    },
  } as unknown as MediaEvents;
  const logger = { info: () => undefined } as unknown as Logger;
  return {
    useCase: new ReadObjectUseCase(objects, decrypter, events, logger),
    accesses,
    recorded,
    deletedAt,
  };
}

const care: AccessScope = { kind: 'staff', organisation: 'A81001', staffId: 'staff-1' };
const subjectAccess: AccessScope = {
  kind: 'staff',
  organisation: 'A81001',
  staffId: 'staff-cg',
  purpose: 'subject-access',
};

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('read object', () => {
  it('reads a logically deleted object for a subject access only, and records that it was deleted', async () => {
    const { useCase, accesses, recorded, deletedAt } = fakes();
    expect(await codeOf(useCase.execute(care, 'o1', false))).toBe(MediaErrorCode.NotFound);
    expect(recorded).toEqual([]);

    const read = await useCase.execute(subjectAccess, 'o1', false);
    expect(read).toMatchObject({ disposition: 'attachment', deletedAt });
    expect(recorded).toEqual(['o1']);
    const [objectId, , actor, access, , purpose, objectDeleted] = accesses[0]!;
    expect({ objectId, actor, access, purpose, objectDeleted }).toEqual({
      objectId: 'o1',
      actor: { kind: 'staff', id: 'staff-cg' },
      access: 'download',
      purpose: 'subject-access',
      objectDeleted: true,
    });
    // Another organisation's subject access finds nothing.
    expect(
      await codeOf(useCase.execute({ ...subjectAccess, organisation: 'A81002' }, 'o1', true)),
    ).toBe(MediaErrorCode.NotFound);
  });
});
