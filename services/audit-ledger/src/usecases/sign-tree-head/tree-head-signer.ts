// Signs the tree every LEDGER_HEAD_EVERY_LEAVES leaves or LEDGER_HEAD_INTERVAL (if it grew), and
// at start when the tree outgrew the last head (e.g. after a crash), so the first head after a
// restart can be checked against the last one before it. A head is stored first, then published
// to Kafka and blob storage; heads not yet published are retried at every tick.
import type { KeyObject } from 'node:crypto';
import { signTreeHead, treeHeadKeyId } from '@cairn/merkle';
import type { Logger } from '@cairn/platform';
import type { TreeHeadBlobStore } from '../../heads/tree-head.blob-store';
import type { TreeHeadEventPublisher } from '../../heads/tree-head.event-publisher';
import type { TreeRepository } from '../../repositories/tree.repository';
import type { StoredHead, TreeHeadRepository } from '../../repositories/tree-head.repository';

export interface TreeHeadSignerOptions {
  readonly everyLeaves: number;
  readonly intervalMs: number;
}

export class TreeHeadSigner {
  readonly keyId: string;
  private timer?: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();
  private lastSignedSize = -1;

  constructor(
    private readonly tree: TreeRepository,
    private readonly heads: TreeHeadRepository,
    private readonly events: TreeHeadEventPublisher,
    private readonly blobs: TreeHeadBlobStore,
    private readonly privateKey: KeyObject,
    private readonly options: TreeHeadSignerOptions,
    private readonly logger: Logger,
  ) {
    this.keyId = treeHeadKeyId(privateKey);
  }

  async start(): Promise<void> {
    await this.signIfGrown();
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.queue.catch(() => undefined);
  }

  /** Called after each durable batch. */
  noteTreeSize(size: number): void {
    if (this.lastSignedSize >= 0 && size - this.lastSignedSize >= this.options.everyLeaves) {
      void this.tick();
    }
  }

  /** Signs now if the tree outgrew the latest head (or there is none); returns the latest head. */
  signIfGrown(): Promise<StoredHead> {
    const run = this.queue.then(() => this.signNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async tick(): Promise<void> {
    try {
      await this.signIfGrown();
    } catch (error) {
      this.logger.warn({ errorType: (error as Error)?.name }, 'signing a tree head failed');
    }
  }

  private async signNow(): Promise<StoredHead> {
    const state = await this.tree.state();
    let latest = await this.heads.latest();
    if (!latest || latest.treeSize < state.size) {
      const unsigned = { treeSize: state.size, timestampMs: Date.now(), rootHash: state.root };
      const head = {
        ...unsigned,
        keyId: this.keyId,
        signature: signTreeHead(unsigned, this.privateKey),
      };
      await this.heads.insert(head);
      latest = (await this.heads.latest()) as StoredHead;
      this.logger.info({ treeSize: latest.treeSize }, 'tree head signed');
    }
    this.lastSignedSize = latest.treeSize;
    await this.publishPending();
    return (await this.heads.bySize(latest.treeSize)) ?? latest;
  }

  private async publishPending(): Promise<void> {
    for (const head of await this.heads.unpublished()) {
      try {
        if (!head.publishedBlob) {
          await this.blobs.write(head);
          await this.heads.markPublished(head.treeSize, 'publishedBlob');
        }
        if (!head.publishedEvent) {
          await this.events.publish(head);
          await this.heads.markPublished(head.treeSize, 'publishedEvent');
        }
      } catch (error) {
        this.logger.warn(
          { treeSize: head.treeSize, errorType: (error as Error)?.name },
          'publishing a tree head failed; will retry',
        );
        return;
      }
    }
  }
}
