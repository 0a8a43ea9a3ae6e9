// The harness itself: the servers the global setup started are the real ones, they answer
// their own protocols, and names from uniqueName() keep test files apart.
import { BlobServiceClient } from '@azure/storage-blob';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { testInfra, uniqueName } from '../src';

describe('test infrastructure', () => {
  const infra = testInfra();

  it('gives each test file its own MongoDB database on the real server', async () => {
    const a = uniqueName('harness');
    const b = uniqueName('harness');
    expect(a).not.toEqual(b);
    const connA = await mongoose.createConnection(infra.mongoUrl(a)).asPromise();
    const connB = await mongoose.createConnection(infra.mongoUrl(b)).asPromise();
    try {
      await connA.collection('things').insertOne({ n: 1 });
      expect(await connA.collection('things').countDocuments()).toBe(1);
      expect(await connB.collection('things').countDocuments()).toBe(0);
      const build = await connA.db!.admin().command({ buildInfo: 1 });
      expect(build.ok).toBe(1);
    } finally {
      await connA.close();
      await connB.close();
    }
  });

  it('applies concurrent updates of one document atomically (none lost)', async () => {
    // FerretDB alone loses some of these (read-modify-write without a transaction); the
    // launcher's serialising proxy is what makes the outbox's single-document writes safe.
    const conn = await mongoose.createConnection(infra.mongoUrl(uniqueName('atomic'))).asPromise();
    try {
      const col = conn.collection<{ _id: number; n: number; events: number[] }>('aggregates');
      await col.insertOne({ _id: 1, n: 0, events: [] });
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          col.updateOne({ _id: 1 }, { $inc: { n: 1 }, $push: { events: i } }),
        ),
      );
      const doc = await col.findOne({ _id: 1 });
      expect(doc?.n).toBe(40);
      expect(doc?.events).toHaveLength(40);
    } finally {
      await conn.close();
    }
  });

  it('reaches a real Kafka broker that refuses to auto-create topics', async () => {
    const kafka = new Kafka({ brokers: infra.kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topic = uniqueName('harness');
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })).toBe(true);
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0]!.partitions).toHaveLength(2);
      const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 1 } });
      await producer.connect();
      await expect(
        producer.send({ topic: uniqueName('missing'), messages: [{ value: 'x' }] }),
      ).rejects.toThrow();
      await producer.disconnect();
    } finally {
      await admin.disconnect();
    }
  });

  it('stores and reads blobs in Azurite', async () => {
    const service = BlobServiceClient.fromConnectionString(infra.azuriteConnectionString);
    const container = service.getContainerClient(uniqueName('harness'));
    await container.create();
    const blob = container.getBlockBlobClient('hello.txt');
    await blob.upload('hello', 5);
    const body = await blob.downloadToBuffer();
    expect(body.toString()).toBe('hello');
  });
});
