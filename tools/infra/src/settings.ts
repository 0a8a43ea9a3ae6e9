// Where the local infrastructure lives and which loopback ports it uses. Every value can be
// changed by an environment variable, so two checkouts (or CI beside a developer) can coexist.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface InfraSettings {
  /** The repository root (the folder holding nx.json). */
  repoRoot: string;
  /** Data, logs and pid files: one git-ignored folder. */
  stateDir: string;
  /** Downloads and builds kept between runs and between clones. */
  cacheDir: string;
  host: '127.0.0.1';
  kafkaPort: number;
  kafkaControllerPort: number;
  mongoPort: number;
  azuriteBlobPort: number;
  kafkaVersion: string;
  ferretdbVersion: string;
}

export function findRepoRoot(from = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`no nx.json above ${from}: run this inside the Cairn repository`);
    dir = parent;
  }
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name}: expected a port number 1-65535, got "${raw}"`);
  }
  return value;
}

export function infraSettings(env: NodeJS.ProcessEnv = process.env): InfraSettings {
  const repoRoot = findRepoRoot();
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return {
    repoRoot,
    stateDir: resolve(env.CAIRN_INFRA_DIR || join(repoRoot, '.cairn')),
    cacheDir: resolve(env.CAIRN_CACHE_DIR || join(cacheHome, 'cairn')),
    host: '127.0.0.1',
    kafkaPort: port(env, 'CAIRN_KAFKA_PORT', 29092),
    kafkaControllerPort: port(env, 'CAIRN_KAFKA_CONTROLLER_PORT', 29093),
    mongoPort: port(env, 'CAIRN_MONGO_PORT', 27027),
    azuriteBlobPort: port(env, 'CAIRN_AZURITE_BLOB_PORT', 10000),
    kafkaVersion: '3.9.1',
    ferretdbVersion: '1.24.0',
  };
}

/** Azurite's published development account (not a secret: it is in Microsoft's docs). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Endpoints {
  kafkaBrokers: string[];
  mongoUrl: string;
  azuriteBlobUrl: string;
  azuriteConnectionString: string;
}

export function endpoints(s: InfraSettings = infraSettings()): Endpoints {
  const blobUrl = `http://${s.host}:${s.azuriteBlobPort}/${AZURITE_ACCOUNT}`;
  return {
    kafkaBrokers: [`${s.host}:${s.kafkaPort}`],
    mongoUrl: `mongodb://${s.host}:${s.mongoPort}`,
    azuriteBlobUrl: blobUrl,
    azuriteConnectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobUrl};`,
  };
}
