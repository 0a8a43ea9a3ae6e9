import { MediaErrorCode } from '../../domain/media-error';
import type { AccessScope } from '../../domain/media-object';
import type { ObjectDocument } from '../../repositories/media.schema';
import type { ObjectRepository } from '../../repositories/object.repository';
import { ListObjectsUseCase } from './list-objects.usecase';

// One visible and one logically deleted object of A81001, group response-1.
function fakes() {
  const base = {
    organisation: 'A81001',
    groupId: 'response-1',
    kind: 'image',
    originalSha256: Buffer.alloc(32),
    storedSha256: Buffer.alloc(32),
    thumbnail: null,
    quality: null,
    createdAt: new Date(0),
    erased: null,
  };
  const visible = { ...base, _id: 'o1', deleted: null } as unknown as ObjectDocument;
  const deleted = {
    ...base,
    _id: 'o2',
    deleted: { at: new Date(5), by: 'staff:staff-9', reason: 'sent to the wrong patient' },
  } as unknown as ObjectDocument;
  const calls: string[] = [];
  const objects = {
    listGroup: async () => {
      calls.push('listGroup');
      return [visible];
    },
    listGroupWithDeleted: async () => {
      calls.push('listGroupWithDeleted');
      return [visible, deleted];
    },
  } as unknown as ObjectRepository;
  return { useCase: new ListObjectsUseCase(objects), calls };
}

const care: AccessScope = { kind: 'staff', organisation: 'A81001', staffId: 'staff-1' };
const subjectAccess: AccessScope = { ...care, purpose: 'subject-access' };
const gateway: AccessScope = {
  kind: 'service',
  service: 'gateway',
  organisation: 'A81001',
  groupId: 'response-1',
};

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('list objects', () => {
  it('lists deleted objects for a subject access, marked deleted, without the free-text reason', async () => {
    const { useCase, calls } = fakes();
    const listed = await useCase.execute(subjectAccess, 'response-1', { includeDeleted: true });
    expect(calls).toEqual(['listGroupWithDeleted']);
    expect(listed.map((o) => [o.objectId, o.deleted])).toEqual([
      ['o1', null],
      ['o2', { at: new Date(5), by: 'staff' }],
    ]);
    expect(JSON.stringify(listed)).not.toContain('wrong patient');
    expect(JSON.stringify(listed)).not.toContain('staff-9');
  });

  it('refuses deleted objects to direct care and to the gateway; without the flag, visible only', async () => {
    const { useCase, calls } = fakes();
    for (const scope of [care, gateway]) {
      expect(await codeOf(useCase.execute(scope, 'response-1', { includeDeleted: true }))).toBe(
        MediaErrorCode.InvalidRequest,
      );
    }
    expect(calls).toEqual([]);
    for (const scope of [care, subjectAccess, gateway]) {
      const listed = await useCase.execute(scope, 'response-1');
      expect(listed.map((o) => o.objectId)).toEqual(['o1']);
    }
  });
});
