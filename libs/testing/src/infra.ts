// Where the real servers of a test run are, and names that keep test files apart.
// The Jest global setup (./jest/global-setup.ts) starts the servers with tools/infra and puts
// their endpoints in the environment; every medium test reads them through testInfra().
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

export interface TestInfra {
  kafkaBrokers: string[];
  /** A MongoDB URL for a database of this name on the test server (FerretDB locally). */
  mongoUrl(database: string): string;
  azuriteConnectionString: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: medium tests must run under jest.medium.config.js, whose global setup starts the infrastructure`,
    );
  }
  return value;
}

export function testInfra(): TestInfra {
  const mongoBase = required('CAIRN_TEST_MONGO_URL');
  return {
    kafkaBrokers: required('CAIRN_TEST_KAFKA_BROKERS').split(','),
    mongoUrl: (database: string) => {
      const url = new URL(mongoBase);
      url.pathname = `/${database}`;
      return url.toString();
    },
    azuriteConnectionString: required('CAIRN_TEST_AZURITE_CONNECTION_STRING'),
  };
}

/**
 * A name no other test file or earlier run uses: for databases, topics, consumer groups and
 * blob containers. Lower-case letters, digits and dashes, so it is valid for all of them
 * (MongoDB database names are limited to 63 bytes, Azure container names to 63 characters).
 */
export function uniqueName(prefix: string): string {
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 30);
  return `${clean}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A loopback port nothing listens on right now, for a server a test starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
