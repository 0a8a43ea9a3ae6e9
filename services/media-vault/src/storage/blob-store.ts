// Encrypted bytes in Azure Blob Storage (Azurite locally) under random names that say nothing
// about the patient, organisation or content.
import { randomBytes } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';

export class BlobStore {
  private readonly container: ContainerClient;

  constructor(connectionString: string, containerName: string) {
    this.container =
      BlobServiceClient.fromConnectionString(connectionString).getContainerClient(containerName);
  }

  async ensureContainer(): Promise<void> {
    await this.container.createIfNotExists();
  }

  async ping(): Promise<void> {
    await this.container.getProperties();
  }

  static randomName(): string {
    return randomBytes(16).toString('hex');
  }

  async put(name: string, bytes: Buffer): Promise<void> {
    await this.container.getBlockBlobClient(name).uploadData(bytes, {
      blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
      // Never overwrite: a name collision would be a bug, not an update.
      conditions: { ifNoneMatch: '*' },
    });
  }

  async get(name: string): Promise<Buffer> {
    return this.container.getBlockBlobClient(name).downloadToBuffer();
  }

  /** Idempotent: true when a blob was removed now. */
  async delete(name: string): Promise<boolean> {
    const result = await this.container.getBlockBlobClient(name).deleteIfExists({
      deleteSnapshots: 'include',
    });
    return result.succeeded;
  }

  /** For tests: overwrite a blob in place (simulating tampering at rest). */
  async overwriteForTest(name: string, bytes: Buffer): Promise<void> {
    await this.container.getBlockBlobClient(name).uploadData(bytes);
  }
}
