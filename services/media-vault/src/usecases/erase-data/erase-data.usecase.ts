// Physical deletion ordered by retention (ErasureOrdered): for one patient of an organisation or
// the whole organisation, every blob (object and thumbnail) is deleted and the patient keys are
// destroyed, each step with its event; then ErasureCompleted answers the order. Every step is
// idempotent and counted at once on the shared erasure record (@cairn/events ErasureRecords), so
// a crash half-way is finished by the redelivered order and a repeated order is answered again
// with the figures of the first completion.
import type { CountErased, ErasureOrder, ErasureOutcome, ErasureRecords } from '@cairn/events';
import type { MediaEvents } from '../../events/media-events';
import type { ObjectRepository } from '../../repositories/object.repository';
import type { PatientKeyRepository } from '../../repositories/patient-key.repository';
import type { BlobStore } from '../../storage/blob-store';

export class EraseDataUseCase {
  constructor(
    private readonly records: ErasureRecords,
    private readonly objects: ObjectRepository,
    private readonly patientKeys: PatientKeyRepository,
    private readonly blobs: BlobStore,
    private readonly events: MediaEvents,
  ) {}

  async execute(order: ErasureOrder): Promise<ErasureOutcome> {
    return this.records.carryOut(
      order,
      (count) => this.erase(order, count),
      (counts) => {
        const objects = counts.objects ?? 0;
        const keys = counts.keys ?? 0;
        return {
          itemsErased: objects + keys,
          summary: `${objects} objects erased (${counts.blobs ?? 0} blobs deleted); ${keys} patient keys destroyed`,
        };
      },
    );
  }

  private async erase(order: ErasureOrder, count: CountErased): Promise<void> {
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
    for (const doc of docs) {
      for (const name of [doc.content.blobName, doc.thumbnail?.blobName]) {
        if (name && (await this.blobs.delete(name))) await count('blobs', 1);
      }
      const erased =
        !doc.erased &&
        (await this.objects.markErased(
          doc._id,
          order.erasureId,
          this.events.erased(doc._id, doc.organisation, order.erasureId),
        ));
      if (erased) await count('objects', 1);
    }
    for (const keyId of keyIds) {
      const affected = docs.filter((d) => d.patientKeyId === keyId).length;
      const destroyed = await this.patientKeys.destroy(
        keyId,
        order.erasureId,
        this.events.keyDestroyed(keyId, order.organisation, order.erasureId, affected),
      );
      if (destroyed) await count('keys', 1);
    }
  }
}
