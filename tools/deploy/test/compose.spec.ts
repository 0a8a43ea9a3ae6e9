// docker-compose.dev.yml cannot run on the CI machine (no Docker engine), so this keeps it in
// step with the services: each service folder with a config schema has a compose service,
// built by docker/Dockerfile, whose environment that schema accepts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { root, serviceConfig, servicesWithConfig } from './support.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- the compose file is untyped YAML */
type Any = any;

const compose = parse(readFileSync(join(root, 'docker-compose.dev.yml'), 'utf8'), {
  merge: true,
}) as Any;

const envOf = (service: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(compose.services[service]?.environment ?? {}).map(([k, v]) => [k, String(v)]),
  );

describe('docker-compose.dev.yml', () => {
  it('has the backing services: MongoDB 7, Kafka 3.9, Azurite, a collector and a trace viewer', () => {
    expect(compose.services.mongodb.image).toMatch(/^mongo:7(\.|$)/);
    expect(compose.services.kafka.image).toMatch(/^apache\/kafka:3\.9\./);
    expect(compose.services.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(compose.services.azurite.image).toMatch(/azurite:\d/);
    expect(compose.services['otel-collector'].image).toMatch(/opentelemetry-collector.*:\d/);
    expect(compose.services.jaeger.image).toMatch(/jaeger:\d/);
  });

  it('pins every image to a version', () => {
    for (const [name, s] of Object.entries<Any>(compose.services)) {
      const tag = String(s.image).split(':')[1];
      expect({ name, tag: tag === 'latest' ? 'latest' : Boolean(tag) }).toEqual({
        name,
        tag: true,
      });
    }
  });

  it.each(servicesWithConfig())(
    '%s: built by docker/Dockerfile and given every variable its config schema requires',
    (service) => {
      const s = compose.services[service];
      expect(s).toBeDefined();
      expect(s.build).toEqual({
        context: '.',
        dockerfile: 'docker/Dockerfile',
        args: { SERVICE: service },
      });
      expect(s.read_only).toBe(true);
      const env = envOf(service);
      const { required, schema } = serviceConfig(service);
      expect(required.filter((name) => !(name in env))).toEqual([]);
      // Nothing the service does not read (a misspelt name would be silently ignored).
      expect(Object.keys(env).filter((name) => !(name in schema.shape))).toEqual([]);
      // The values themselves must pass the service's own validation (ports, URLs, keys, and
      // the conditional rules such as SMTP_URL with EMAIL_TRANSPORT=smtp).
      const parsed = schema.safeParse(env);
      expect(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []).toEqual(
        [],
      );
      expect(env.SERVICE).toBe(service);
    },
  );

  it('points the services at the compose network, not at the host', () => {
    for (const service of servicesWithConfig()) {
      const env = envOf(service);
      expect(env.KAFKA_BROKERS).toBe('kafka:19092');
      expect(env.MONGODB_URI).toBe(`mongodb://mongodb:27017/${service}`);
      if (env.OTEL_EXPORTER_OTLP_ENDPOINT)
        expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
    }
  });
});
