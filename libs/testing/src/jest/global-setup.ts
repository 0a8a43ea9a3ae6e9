// Jest global setup for medium tests: make sure the real servers run (starting them on the
// first run; reusing them after), then hand their endpoints to the test workers through the
// environment. Each test file isolates itself with uniqueName() databases, topics and
// containers, so nothing is torn down and a re-run needs no cleanup.
import { up } from '@cairn/infra';

export default async function globalSetup(): Promise<void> {
  const e = await up({ say: (line) => process.stderr.write(`[infra] ${line}\n`) });
  process.env.CAIRN_TEST_KAFKA_BROKERS = e.kafkaBrokers.join(',');
  process.env.CAIRN_TEST_MONGO_URL = e.mongoUrl;
  process.env.CAIRN_TEST_AZURITE_CONNECTION_STRING = e.azuriteConnectionString;
}
