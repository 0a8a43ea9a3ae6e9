// Small helpers for reading what is on a topic in tests.
import type { Kafka, KafkaMessage } from 'kafkajs';

/** Sum of the high watermarks of a topic's partitions: how many records it holds. */
export async function recordCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

export interface ReadRecord {
  partition: number;
  message: KafkaMessage;
}

/** Reads `count` records of `topic` from the beginning with a throwaway group. */
export async function readRecords(
  kafka: Kafka,
  topic: string,
  count: number,
  group: string,
  timeoutMs = 30_000,
): Promise<ReadRecord[]> {
  const consumer = kafka.consumer({ groupId: group });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${topic}: ${records.length} of ${count} records in ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          records.push({ partition, message });
          if (records.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return records;
  } finally {
    await consumer.disconnect();
  }
}

/** Polls `check` until it returns true. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
