// Runs messaging in this process against the real FerretDB and Kafka (a database and topic of its
// own), with tokens from a test issuer, a fake patient directory and clients for its API.
import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { JwtCallerResolver } from '@cairn/auth';
import { TestTokenIssuer, type TestClaims } from '@cairn/auth/testing';
import { MessagingService } from '@cairn/contracts/cairn/messaging/v1/messaging_pb';
import { HealthChecks, ShutdownHooks, createLogger, loadConfig } from '@cairn/platform';
import { freePort, testInfra, uniqueName } from '@cairn/testing';
import { messagingConfigSchema } from '../../src/config/messaging-config';
import { startMessaging, type MessagingHandle, type MessagingOverrides } from '../../src/messaging';
import { FakeDirectory } from './fake-directory';

export interface Harness {
  readonly handle: MessagingHandle;
  readonly directory: FakeDirectory;
  readonly issuer: TestTokenIssuer;
  readonly env: Record<string, string>;
  client(claims?: TestClaims): Promise<{
    client: Client<typeof MessagingService>;
    token: string;
    headers: Record<string, string>;
  }>;
  stop(): Promise<void>;
}

export async function baseEnv(
  name: string,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const infra = testInfra();
  return {
    GRPC_PORT: String(await freePort()),
    HEALTH_PORT: String(await freePort()),
    WEBHOOK_PORT: String(await freePort()),
    MONGODB_URI: infra.mongoUrl(uniqueName(name)),
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    IDENTITY_ISSUER: 'https://identity.cairn.test',
    IDENTITY_JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
    IDENTITY_GRPC_URL: 'http://127.0.0.1:9',
    SMS_PROVIDERS: 'sandbox:1',
    VIDEO_ROOM_BASE_URL: 'https://video.cairn.test/room/',
    LOG_LEVEL: 'warn',
    // A retention topic and consumer group of its own: a test must never join the real group
    // (it would take orders meant for a running messaging) nor read the real topic.
    MESSAGING_RETENTION_TOPIC: uniqueName(`${name}-retention`),
    MESSAGING_CONSUMER_GROUP: uniqueName(`${name}-erasure`),
    ...extra,
  };
}

export async function startHarness(
  name: string,
  extraEnv: Record<string, string> = {},
  overrides: MessagingOverrides = {},
): Promise<Harness> {
  const env = await baseEnv(name, extraEnv);
  const config = loadConfig(messagingConfigSchema, env, { service: 'messaging' });
  const logger = createLogger({ service: 'messaging', level: 'warn' });
  const hooks = new ShutdownHooks(logger);
  const health = new HealthChecks({ logger });
  const issuer = await TestTokenIssuer.create();
  const directory = (overrides.directory as FakeDirectory | undefined) ?? new FakeDirectory();
  const handle = await startMessaging(
    config,
    { logger, health, onShutdown: (phase, n, close) => hooks.register(phase, n, close) },
    {
      host: '127.0.0.1',
      topic: uniqueName('messaging-events'),
      directory,
      directoryNeedsNoCaller: true,
      callerResolver: new JwtCallerResolver(issuer.verifier()),
      sweepIntervalMs: 200,
      ...overrides,
    },
  );
  const transport = createGrpcTransport({ baseUrl: handle.rpcUrl });
  return {
    handle,
    directory,
    issuer,
    env,
    async client(claims: TestClaims = {}) {
      const token = await issuer.mint(claims);
      const headers = { authorization: `Bearer ${token}` };
      const client = createClient(MessagingService, transport);
      const wrapped = new Proxy(client, {
        get(target, prop) {
          const method = (target as unknown as Record<string | symbol, unknown>)[prop];
          if (typeof method !== 'function') return method;
          return (request: unknown, options: { headers?: Record<string, string> } = {}) =>
            (method as (r: unknown, o: unknown) => unknown).call(target, request, {
              ...options,
              headers: { ...headers, ...(options.headers ?? {}) },
            });
        },
      });
      return { client: wrapped, token, headers };
    },
    async stop() {
      const outcome = await hooks.run({ drainTimeoutMs: 2_000 });
      if (outcome.failed.length > 0)
        throw new Error(`shutdown failed: ${outcome.failed.join(', ')}`);
    },
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface SandboxMessage {
  reference: string;
  to: string;
  text: string;
  handovers: number;
}

export async function sandboxMessages(
  handle: MessagingHandle,
  to?: string,
): Promise<SandboxMessage[]> {
  const url = new URL('/dev/sandbox/messages', handle.webhookUrl);
  url.searchParams.set('limit', '10000');
  if (to) url.searchParams.set('to', to);
  const response = await fetch(url).catch((error: unknown) => {
    throw new Error(
      `sandbox listing at ${url.host} failed: ${String((error as Error).cause ?? error)}`,
    );
  });
  if (!response.ok) throw new Error(`sandbox listing answered ${response.status}`);
  return ((await response.json()) as { messages: SandboxMessage[] }).messages;
}
