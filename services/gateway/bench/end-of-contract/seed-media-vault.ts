// The media vault's records for the bench, written straight into its database and its Blob
// container in the shape the vault stores them. The module boundaries keep a gateway bench from
// importing the vault's code, so the documents follow
// services/media-vault/src/repositories/media.schema.ts field by field:
//   objects       one photo per answered link (group = the link's request id), sealed content
//                 and thumbnail parts ({ blobName, iv, wrappedKey }), each a blob in Azurite
//   patient_keys  one per patient with photos: _id "pk_" + base64url HMAC-SHA-256(pseudonym key,
//                 "<ODS>:<NHS number>") as PatientKeyRepository.idFor; `wrapped` as the local key
//                 store writes it ({ kekId, algorithm 'A256KW', 40 bytes })
//   groups        "<ODS>:<group id>" → patient key and slots
// The blobs hold random bytes (2 KiB content, 512 B thumbnail) and the wrapped keys are random:
// nothing is ever decrypted here, and the erasure neither reads a blob nor unwraps a key. Blob
// names are random hex (BlobStore.randomName). The vault's end-of-contract erasure
// (usecases/erase-data) deletes every blob, marks every object erased (the documents stay, with
// `erased` set and no filename or thumbnail) and destroys every patient key of the organisation.
// Groups are not part of it.
import { createHmac, randomBytes } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { Db, Document } from 'mongodb';
import { linkRequestId, mediaObjectId, pastTime, type OrgPlan } from './plan';
import { count, insertAll, type FloorTarget } from './store';

const COLLECTIONS = { objects: 'objects', keys: 'patient_keys', groups: 'groups' } as const;
const CONCURRENCY = 16;

export function patientKeyId(pseudonymKey: Buffer, ods: string, nhsNumber: string): string {
  return `pk_${createHmac('sha256', pseudonymKey).update(`${ods}:${nhsNumber}`).digest('base64url')}`;
}

export function container(connectionString: string, name: string): ContainerClient {
  return BlobServiceClient.fromConnectionString(connectionString).getContainerClient(name);
}

export interface SeededMedia {
  readonly blobNames: string[];
  readonly keyIds: string[];
}

export async function seedMediaVault(
  db: Db,
  blobs: ContainerClient,
  plan: OrgPlan,
  pseudonymKey: Buffer,
): Promise<SeededMedia> {
  const { ods, nhsNumbers, media: n } = plan;
  const keyIds = nhsNumbers.slice(0, n.keys).map((nhs) => patientKeyId(pseudonymKey, ods, nhs));
  const keys: Document[] = keyIds.map((_id, i) => ({
    _id,
    organisation: ods,
    generation: 1,
    wrapped: { kekId: 'local:bench0000000000', algorithm: 'A256KW', bytes: randomBytes(40) },
    createdAt: pastTime(i, keyIds.length),
    destroyed: null,
    outbox: [],
  }));
  const objects: Document[] = [];
  const groups: Document[] = [];
  const uploads: Array<{ name: string; size: number }> = [];
  for (let i = 0; i < n.objects; i++) {
    const _id = mediaObjectId(ods, i);
    const groupId = linkRequestId(ods, i);
    // Link i is about patient i mod P; the keys are those of the first n.keys patients.
    const patientKeyId = keyIds[(i % nhsNumbers.length) % Math.max(1, keyIds.length)];
    const content = { blobName: randomBytes(16).toString('hex'), size: 2_048 };
    const thumbnail = { blobName: randomBytes(16).toString('hex'), size: 512 };
    uploads.push({ name: content.blobName, size: content.size });
    uploads.push({ name: thumbnail.blobName, size: thumbnail.size });
    const createdAt = pastTime(i, n.objects);
    objects.push({
      _id,
      organisation: ods,
      groupId,
      patientKeyId,
      keyGeneration: 1,
      kind: 'image',
      mediaType: 'image/jpeg',
      originalMediaType: 'image/jpeg',
      declaredType: 'image/jpeg',
      filename: 'photo.jpg',
      sizeBytes: content.size,
      originalSizeBytes: 1_500_000,
      originalSha256: randomBytes(32),
      storedSha256: randomBytes(32),
      width: 1600,
      height: 1200,
      pageCount: 0,
      content: { blobName: content.blobName, iv: randomBytes(12), wrappedKey: randomBytes(60) },
      thumbnail: {
        blobName: thumbnail.blobName,
        iv: randomBytes(12),
        wrappedKey: randomBytes(60),
        width: 320,
        height: 240,
      },
      quality: null,
      clientUploadId: `upload-${i}`,
      createdAt,
      createdBy: `patient:${groupId}`,
      deleted: null,
      erased: null,
      lastAccessedAt: null,
      outbox: [],
    });
    groups.push({
      _id: `${ods}:${groupId}`,
      organisation: ods,
      groupId,
      patientKeyId,
      count: 1,
      slots: [_id],
      createdAt,
    });
  }
  await uploadAll(blobs, uploads);
  await insertAll(db.collection(COLLECTIONS.keys), keys);
  await insertAll(db.collection(COLLECTIONS.objects), objects, 1_000);
  await insertAll(db.collection(COLLECTIONS.groups), groups);
  return { blobNames: uploads.map((u) => u.name), keyIds };
}

async function uploadAll(
  blobs: ContainerClient,
  uploads: ReadonlyArray<{ name: string; size: number }>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < uploads.length) {
      const { name, size } = uploads[next++];
      await blobs.getBlockBlobClient(name).uploadData(randomBytes(size), {
        blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** Names of the blobs in the container (one listing). */
export async function blobNamesIn(blobs: ContainerClient): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const blob of blobs.listBlobsFlat()) names.add(blob.name);
  return names;
}

/**
 * What the vault still holds of the organisation, by kind: live objects (not marked erased),
 * blobs, live (wrapped) patient keys; and what its erasure leaves by design, counted apart.
 */
export async function countMediaVault(
  db: Db,
  blobs: ContainerClient,
  ods: string,
  seeded: SeededMedia,
): Promise<{ held: Record<string, number>; kept: Record<string, number> }> {
  const present = await blobNamesIn(blobs);
  return {
    held: {
      'objects not erased': await count(db, COLLECTIONS.objects, {
        organisation: ods,
        erased: null,
      }),
      blobs: seeded.blobNames.filter((name) => present.has(name)).length,
      'live patient keys': await count(db, COLLECTIONS.keys, {
        organisation: ods,
        wrapped: { $ne: null },
      }),
    },
    kept: {
      'object documents marked erased': await count(db, COLLECTIONS.objects, {
        organisation: ods,
        erased: { $ne: null },
      }),
      'destroyed key tombstones': await count(db, COLLECTIONS.keys, {
        organisation: ods,
        wrapped: null,
      }),
      groups: await count(db, COLLECTIONS.groups, { organisation: ods }),
    },
  };
}

export function expectedMediaVault(plan: OrgPlan): Record<string, number> {
  return {
    'objects not erased': plan.media.objects,
    blobs: 2 * plan.media.objects,
    'live patient keys': plan.media.keys,
  };
}

/** The raw deletions of the same documents; the blobs are deleted apart (deleteBlobs). */
export function mediaVaultFloor(plan: OrgPlan): FloorTarget[] {
  const filter = { organisation: plan.ods };
  return [
    { collection: COLLECTIONS.objects, filter, expected: plan.media.objects },
    { collection: COLLECTIONS.keys, filter, expected: plan.media.keys },
  ];
}

/** The blob floor: one deleteIfExists after another, as the vault's erasure deletes them. */
export async function deleteBlobs(
  blobs: ContainerClient,
  names: readonly string[],
): Promise<number> {
  let deleted = 0;
  for (const name of names) {
    const result = await blobs
      .getBlockBlobClient(name)
      .deleteIfExists({ deleteSnapshots: 'include' });
    if (result.succeeded) deleted++;
  }
  return deleted;
}
