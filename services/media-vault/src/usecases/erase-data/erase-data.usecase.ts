// Physical deletion ordered by retention (ErasureOrdered): for one patient of an organisation or
// the whole organisation, every blob (object and thumbnail) is deleted and the patient keys are
// destroyed, each step with its event; then ErasureCompleted answers the order. Every step is
// idempotent, so a crash half-way or a repeated order finishes the work and answers (again) with
// the figures of the first completion.
import type { Logger } from 'pino';
import type { MediaEvents } from '../../events/media-events';
import type { MediaDatabase } from '../../repositories/media-database';
import type { ObjectRepository } from '../../repositories/object.repository';
import type { PatientKeyRepository } from '../../repositories/patient-key.repository';
import type { ErasureDocument } from '../../repositories/media.schema';
import type { BlobStore } from '../../storage/blob-store';
import type { Outbox } from '@cairn/events';

export interface ErasureOrder {
  readonly erasureId: string;
  readonly organisation: string;
  /** Undefined: the whole organisation. */
  readonly nhsNumber?: string;
}

export interface ErasureOutcome {
  readonly itemsErased: number;
  readonly summary: string;
  readonly repeated: boolean;
}

export class EraseDataUseCase {
  constructor(
    private readonly db: MediaDatabase,
    private readonly outbox: Outbox,
    private readonly objects: ObjectRepository,
    private readonly patientKeys: PatientKeyRepository,
    private readonly blobs: BlobStore,
    private readonly events: MediaEvents,
    private readonly logger: Logger,
  ) {}

  async execute(order: ErasureOrder): Promise<ErasureOutcome> {
    const previous = await this.db.models.erasures
      .findById(order.erasureId)
      .lean<ErasureDocument>()
      .exec();
    let itemsErased = previous?.itemsErased ?? 0;
    let summary = previous?.summary ?? '';
    if (!previous) {
      const keyIds = order.nhsNumber
        ? [this.patientKeys.idFor(order.organisation, order.nhsNumber)]
        : await this.patientKeys.listForOrganisation(order.organisation);
      const [patientKeyId] = keyIds;
      const docs =
        patientKeyId && order.nhsNumber
          ? (await this.objects.findByPatientKey(patientKeyId)).filter(
              (d) => d.organisation === order.organisation,
            )
          : await this.objects.findByOrganisation(order.organisation);
      let blobsDeleted = 0;
      let objectsErased = 0;
      for (const doc of docs) {
        for (const name of [doc.content.blobName, doc.thumbnail?.blobName]) {
          if (name && (await this.blobs.delete(name))) blobsDeleted++;
        }
        if (!doc.erased) {
          await this.objects.markErased(
            doc._id,
            order.erasureId,
            this.events.erased(doc._id, doc.organisation, order.erasureId),
          );
          objectsErased++;
        }
      }
      let keysDestroyed = 0;
      for (const keyId of keyIds) {
        const affected = docs.filter((d) => d.patientKeyId === keyId).length;
        const destroyed = await this.patientKeys.destroy(
          keyId,
          order.erasureId,
          this.events.keyDestroyed(keyId, order.organisation, order.erasureId, affected),
        );
        if (destroyed) keysDestroyed++;
      }
      itemsErased = objectsErased + keysDestroyed;
      summary = `${objectsErased} objects erased (${blobsDeleted} blobs deleted); ${keysDestroyed} patient keys destroyed`;
      await this.db.models.erasures
        .updateOne(
          { _id: order.erasureId },
          {
            $setOnInsert: {
              organisation: order.organisation,
              itemsErased,
              summary,
              completedAt: new Date(),
              answers: 0,
            },
          },
          { upsert: true },
        )
        .exec();
    }
    const record = await this.db.models.erasures
      .findById(order.erasureId)
      .lean<ErasureDocument>()
      .exec();
    if (!record) throw new Error('erasure record missing after write');
    await this.outbox.updateOne(
      this.db.models.erasures,
      { _id: order.erasureId },
      { $inc: { answers: 1 } },
      [
        this.events.erasureCompleted(
          order.erasureId,
          record.organisation,
          record.itemsErased,
          record.summary,
          record.completedAt,
        ),
      ],
    );
    this.logger.info(
      { erasureId: order.erasureId, itemsErased: record.itemsErased, repeated: previous !== null },
      'erasure completed',
    );
    return {
      itemsErased: record.itemsErased,
      summary: record.summary,
      repeated: previous !== null,
    };
  }
}
