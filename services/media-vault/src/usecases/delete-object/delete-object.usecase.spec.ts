import { MediaErrorCode } from '../../domain/media-error';
import type { AccessScope } from '../../domain/media-object';
import type { MediaEvents } from '../../events/media-events';
import type { ObjectRepository } from '../../repositories/object.repository';
import type { ObjectDocument } from '../../repositories/media.schema';
import { DeleteObjectUseCase } from './delete-object.usecase';

// An in-memory stand-in for the repository: one visible object of A81001, group response-1.
function fakes() {
  const doc = { _id: 'o1', organisation: 'A81001', groupId: 'response-1' } as ObjectDocument;
  const deletions: Array<{ by: string; reason: string }> = [];
  const released: string[] = [];
  const objects = {
    findVisible: async (organisation: string, id: string) => {
      if (organisation !== doc.organisation || id !== doc._id) {
        throw Object.assign(new Error('no such object'), { code: MediaErrorCode.NotFound });
      }
      return doc;
    },
    markDeleted: async (_id: string, deleted: { by: string; reason: string }) => {
      deletions.push(deleted);
      return true;
    },
    releaseSlot: async (_o: string, _g: string, id: string) => {
      released.push(id);
    },
  } as unknown as ObjectRepository;
  const events = {
    deleted: () => ({ id: 'e', topic: 't', record: Buffer.alloc(0) }),
  } as unknown as MediaEvents;
  return { useCase: new DeleteObjectUseCase(objects, events), deletions, released };
}

const staff: AccessScope = { kind: 'staff', organisation: 'A81001', staffId: 'staff-1' };
const gateway = (groupId: string): AccessScope => ({
  kind: 'service',
  service: 'gateway',
  organisation: 'A81001',
  groupId,
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('delete object', () => {
  it('records who deleted it and why, and frees the group slot', async () => {
    const { useCase, deletions, released } = fakes();
    await useCase.execute(staff, 'o1', '  sent to the wrong practice ');
    expect(deletions).toEqual([
      expect.objectContaining({ by: 'staff:staff-1', reason: 'sent to the wrong practice' }),
    ]);
    expect(released).toEqual(['o1']);
  });

  it('requires a reason', async () => {
    const { useCase, deletions } = fakes();
    expect(await codeOf(useCase.execute(staff, 'o1', '   '))).toBe(MediaErrorCode.InvalidRequest);
    expect(deletions).toEqual([]);
  });

  it('lets the gateway delete only within the group it names, as the patient', async () => {
    const { useCase, deletions } = fakes();
    expect(await codeOf(useCase.execute(gateway('response-2'), 'o1', 'removed'))).toBe(
      MediaErrorCode.NotFound,
    );
    await useCase.execute(gateway('response-1'), 'o1', 'removed');
    expect(deletions).toEqual([expect.objectContaining({ by: 'patient:response-1' })]);
  });

  it('does not find another organisation’s object', async () => {
    const { useCase } = fakes();
    const other: AccessScope = { kind: 'staff', organisation: 'A81002', staffId: 'staff-2' };
    expect(await codeOf(useCase.execute(other, 'o1', 'x'))).toBe(MediaErrorCode.NotFound);
  });
});
