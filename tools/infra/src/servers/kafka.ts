// Apache Kafka in KRaft mode (one process is broker and controller), from Maven Central jars.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { missingCommands, portOpen, run, startDetached } from '../processes.ts';
import type { InfraSettings } from '../settings.ts';
import { MissingToolError, type LocalServer } from './server.ts';

const libsDir = (s: InfraSettings) => join(s.cacheDir, `kafka-${s.kafkaVersion}`, 'libs');
const configDir = (s: InfraSettings) => join(s.stateDir, 'config', 'kafka');
const dataDir = (s: InfraSettings) => join(s.stateDir, 'data', 'kafka');

function requireJava(withMaven: boolean): void {
  const missing = missingCommands(withMaven ? ['java', 'mvn'] : ['java']);
  if (missing.length === 0) return;
  throw new MissingToolError(
    missing.map((command) =>
      command === 'java'
        ? {
            command,
            why: 'to run Kafka (Java 17 or later)',
            install: 'apt-get install openjdk-17-jre-headless',
          }
        : {
            command,
            why: "to fetch Kafka's jars from Maven Central",
            install: 'apt-get install maven',
          },
    ),
  );
}

function serverProperties(s: InfraSettings): string {
  const h = s.host;
  return [
    '# Written by tools/infra on every start; edit tools/infra/src/servers/kafka.ts instead.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${h}:${s.kafkaControllerPort}`,
    `listeners=PLAINTEXT://${h}:${s.kafkaPort},CONTROLLER://${h}:${s.kafkaControllerPort}`,
    `advertised.listeners=PLAINTEXT://${h}:${s.kafkaPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${dataDir(s)}`,
    // Services provision their topics at start; an unknown topic is a bug, not a surprise.
    'auto.create.topics.enable=false',
    'num.partitions=3',
    // Test speed: one broker, single-partition internal topics, no rebalance delay.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    'share.coordinator.state.topic.replication.factor=1',
    'log.retention.hours=24',
    'log.segment.bytes=16777216',
    'num.network.threads=2',
    'num.io.threads=4',
    '',
  ].join('\n');
}

export const kafka: LocalServer = {
  name: 'kafka',
  startTimeoutSeconds: 90,
  port: (s) => s.kafkaPort,

  async install(s, say) {
    const libs = libsDir(s);
    if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith('kafka_2.13-'))) return;
    requireJava(true);
    say(`fetching Apache Kafka ${s.kafkaVersion} jars from Maven Central (first run only)…`);
    const staging = `${libs}.partial-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    run('mvn', [
      '-q',
      '-B',
      '-f',
      join(s.repoRoot, 'tools/infra/kafka/pom.xml'),
      `-Dkafka.version=${s.kafkaVersion}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${staging}`,
      '-DincludeScope=runtime',
    ]);
    mkdirSync(join(libs, '..'), { recursive: true });
    rmSync(libs, { recursive: true, force: true });
    renameSync(staging, libs);
  },

  async start(s) {
    requireJava(false);
    mkdirSync(configDir(s), { recursive: true });
    const props = join(configDir(s), 'server.properties');
    writeFileSync(props, serverProperties(s));
    const classpath = `${libsDir(s)}/*`;
    if (!existsSync(join(dataDir(s), 'meta.properties'))) {
      mkdirSync(dataDir(s), { recursive: true });
      // A KRaft cluster id is 16 random bytes, URL-safe base64 without padding.
      const clusterId = randomBytes(16).toString('base64url');
      run('java', [
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        props,
      ]);
    }
    return startDetached(s, 'kafka', 'java', [
      '-Xms256m',
      '-Xmx1g',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${join(s.repoRoot, 'tools/infra/kafka/log4j.properties')}`,
      '-cp',
      classpath,
      'kafka.Kafka',
      props,
    ]);
  },

  async ready(s) {
    if (!(await portOpen(s.host, s.kafkaPort))) return false;
    const client = new kafkajs.Kafka({
      clientId: 'cairn-infra',
      brokers: [`${s.host}:${s.kafkaPort}`],
      logLevel: kafkajs.logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 2000,
      retry: { retries: 0 },
    });
    const admin = client.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0 && cluster.controller !== null;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  },
};
