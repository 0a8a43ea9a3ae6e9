// The same three servers as containers, for machines WITH a Docker engine (CAIRN_INFRA=containers).
// Optional: the CI machine has no Docker engine, so this path is not exercised there; the
// process-based servers in ./servers are the tested path. Testcontainers' reaper removes the
// containers when the process that started them (Jest's main process) exits.
import { AzuriteContainer } from '@testcontainers/azurite';
import { KafkaContainer } from '@testcontainers/kafka';
import { MongoDBContainer } from '@testcontainers/mongodb';
import type { Endpoints } from './settings.ts';

export async function startContainers(): Promise<Endpoints> {
  const [mongo, kafka, azurite] = await Promise.all([
    new MongoDBContainer('mongo:7').start(),
    new KafkaContainer('confluentinc/cp-kafka:7.9.1')
      .withKraft()
      .withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' })
      .start(),
    new AzuriteContainer('mcr.microsoft.com/azure-storage/azurite:3.35.0').start(),
  ]);
  const blobUrl = azurite.getBlobEndpoint();
  return {
    kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
    // The module starts a one-node replica set whose member name only resolves inside Docker.
    mongoUrl: `${mongo.getConnectionString()}/?directConnection=true`,
    azuriteBlobUrl: blobUrl,
    azuriteConnectionString: azurite.getConnectionString(),
  };
}
