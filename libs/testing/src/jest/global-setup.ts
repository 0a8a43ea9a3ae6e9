// Jest global setup for medium tests: make sure the real servers run (starting them on the
// first run; reusing them after), then hand their endpoints to the test workers through the
// environment. Each test file isolates itself with uniqueName() databases, topics and
// containers, so nothing is torn down and a re-run needs no cleanup.
// With CAIRN_INFRA=containers (a machine with a Docker engine) the servers are containers
// started by Testcontainers instead; see tools/infra/src/containers.ts.
import { startContainers, up, type Endpoints } from '@cairn/infra';

async function start(): Promise<Endpoints> {
  if (process.env.CAIRN_INFRA === 'containers') return startContainers();
  return up({ say: (line) => process.stderr.write(`[infra] ${line}\n`) });
}

export default async function globalSetup(): Promise<void> {
  const e = await start();
  process.env.CAIRN_TEST_KAFKA_BROKERS = e.kafkaBrokers.join(',');
  process.env.CAIRN_TEST_MONGO_URL = e.mongoUrl;
  process.env.CAIRN_TEST_AZURITE_CONNECTION_STRING = e.azuriteConnectionString;
}
