// Writes each signed tree head to Azure Blob Storage as heads/<size>.json, once (If-None-Match: *).
// With LEDGER_BLOB_IMMUTABILITY_DAYS > 0 each blob then gets a locked version-level immutability
// policy, which needs a container with version-level immutability support enabled (an Azure
// Resource Manager setting). Azurite does not emulate immutability policies or legal holds, so
// locally the setting stays 0 and that call is exercised only against its API contract.
import { BlobServiceClient, RestError, type ContainerClient } from '@azure/storage-blob';
import type { SignedHead } from '../repositories/tree-head.repository';
import { treeHeadJson } from './tree-head.json';

export function headBlobName(treeSize: number): string {
  return `heads/${String(treeSize).padStart(16, '0')}.json`;
}

export class TreeHeadBlobStore {
  private readonly container: ContainerClient;

  constructor(
    connectionString: string,
    containerName: string,
    private readonly immutabilityDays: number,
  ) {
    this.container =
      BlobServiceClient.fromConnectionString(connectionString).getContainerClient(containerName);
  }

  async ensureContainer(): Promise<void> {
    await this.container.createIfNotExists();
  }

  async ping(): Promise<void> {
    await this.container.getProperties();
  }

  async write(head: SignedHead): Promise<void> {
    const blob = this.container.getBlockBlobClient(headBlobName(head.treeSize));
    const body = JSON.stringify(treeHeadJson(head));
    try {
      await blob.upload(body, Buffer.byteLength(body), {
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
    } catch (error) {
      // Written before a crash: the head for a size never changes, so the first copy stands.
      if (!(error instanceof RestError && (error.statusCode === 409 || error.statusCode === 412))) {
        throw error;
      }
    }
    if (this.immutabilityDays > 0) {
      await blob.setImmutabilityPolicy({
        expiriesOn: new Date(Date.now() + this.immutabilityDays * 86_400_000),
        policyMode: 'Locked',
      });
    }
  }

  async read(treeSize: number): Promise<string | undefined> {
    const blob = this.container.getBlockBlobClient(headBlobName(treeSize));
    try {
      return (await blob.downloadToBuffer()).toString('utf8');
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw error;
    }
  }
}
