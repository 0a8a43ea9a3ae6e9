// Topic names (ARCHITECTURE.md "Events") and their provisioning at start-up: the brokers run
// with auto.create.topics.enable=false, so every service creates what it produces and reads.
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';

const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;

/** The topic a service publishes its events on: `cairn.<service>.events.v1`. */
export function serviceTopic(service: string): string {
  if (!SERVICE_NAME.test(service)) {
    throw new Error(`service name "${service}" must be lower-case letters, digits and dashes`);
  }
  return `cairn.${service}.events.v1`;
}

/** Where a consumer of `topic` puts the messages it cannot process: `<topic>.dlq`. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

export interface TopicSettings {
  /** Partitions of a topic this call creates; an existing topic is left as it is. Default 6. */
  partitions?: number;
  /** Default -1: the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Also create `<topic>.dlq` for each topic. Default true. */
  deadLetter?: boolean;
  /** Topic configuration entries, e.g. { 'retention.ms': '604800000' }. */
  config?: Record<string, string>;
  logger?: Logger;
}

/**
 * Creates whichever of `topics` (and their dead-letter topics) do not exist yet. Safe to call
 * from every replica at once. Returns the topics this call created.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  settings: TopicSettings = {},
): Promise<string[]> {
  const wanted = new Set<string>();
  for (const topic of topics) {
    wanted.add(topic);
    if (settings.deadLetter ?? true) wanted.add(deadLetterTopic(topic));
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [...wanted].filter((topic) => !existing.has(topic));
    if (missing.length === 0) return [];
    const configEntries = Object.entries(settings.config ?? {}).map(([name, value]) => ({
      name,
      value,
    }));
    // false means another replica created them between our listTopics and this call.
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: settings.partitions ?? 6,
        replicationFactor: settings.replicationFactor ?? -1,
        configEntries,
      })),
    });
    settings.logger?.info({ topics: missing, created }, 'kafka topics provisioned');
    return created ? missing : [];
  } finally {
    await admin.disconnect();
  }
}
