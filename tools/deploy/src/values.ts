// Default values of the charts, and their JSON schemas (values.schema.json), built from the
// catalog. Helm validates values against the schema before rendering, so a misspelt key
// (`replicaCont`) or a wrong type is refused by `helm install` instead of silently ignored.
import { APP_VERSION, PORTS, type Dependency, type PortName, type ServiceSpec } from './catalog.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schema = { [key: string]: Json };

/** The values every chart shares under `global` (the umbrella's apply to every service). */
export function globalValues(): Record<string, Json> {
  return {
    image: { registry: '', tag: '', pullPolicy: 'IfNotPresent', pullSecrets: [] },
    kafka: {
      brokers: '',
      ssl: false,
      sasl: { mechanism: '', existingSecret: '', usernameKey: 'username', passwordKey: 'password' },
    },
    otel: { endpoint: '' },
    identity: { issuer: '', jwksUrl: '', jwksAllowHttp: false },
    publicBaseUrl: '',
    ingress: {
      enabled: false,
      className: '',
      host: '',
      annotations: {},
      tls: { enabled: true, secretName: '' },
    },
    azure: { workloadIdentity: { clientId: '' } },
    networkPolicy: {
      enabled: true,
      dns: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
      ingressController: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
        podSelector: {},
      },
      egress: {
        kafka: { ports: [9092, 9093], to: [] },
        mongodb: { ports: [27017, 10255], to: [] },
        blob: { ports: [443], to: [] },
        keyVault: { ports: [443], to: [] },
        otel: { ports: [4317, 4318], to: [] },
        smsProviders: { ports: [443], to: [] },
        clamav: { ports: [3310], to: [] },
      },
    },
  };
}

export function serviceValues(s: ServiceSpec): Record<string, Json> {
  const values: Record<string, Json> = {
    enabled: s.enabled,
    component: s.name,
    image: { registry: '', repository: `cairn/${s.name}`, tag: '', digest: '' },
    replicaCount: 2,
    logLevel: 'info',
    ports: s.ports.map((p) => ({ name: p.name, port: PORTS[p.name], env: p.env })),
    env: s.env,
    requiredEnv: s.requiredEnv,
    extraEnv: [],
    secrets: {
      existingSecret: '',
      env: Object.fromEntries(
        Object.entries(s.secrets).map(([name, ref]): [string, Json] => [
          name,
          ref.optional ? { key: ref.key, optional: true } : { key: ref.key },
        ]),
      ),
    },
    resources: {
      requests: { cpu: s.resources.cpu, memory: s.resources.memory },
      limits: { memory: s.resources.memoryLimit },
    },
    autoscaling: {
      enabled: false,
      minReplicas: 2,
      maxReplicas: 6,
      targetCPUUtilizationPercentage: 75,
      targetMemoryUtilizationPercentage: 0,
    },
    podDisruptionBudget: { maxUnavailable: 1 },
    topologySpread: {
      enabled: true,
      maxSkew: 1,
      whenUnsatisfiable: 'ScheduleAnyway',
      topologyKeys: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'],
    },
    shutdown: {
      preStopSleepSeconds: 5,
      drainTimeoutSeconds: 10,
      timeoutSeconds: 25,
      terminationGracePeriodSeconds: 45,
    },
    probes: { startupFailureThreshold: 60 },
    securityContext: { runAsUser: 1000 },
    tmpSizeLimit: '64Mi',
    serviceAccount: { annotations: {} },
    azure: { workloadIdentity: { clientId: '' } },
    podAnnotations: {},
    nodeSelector: {},
    tolerations: [],
    affinity: {},
    networkPolicy: {
      ingress: s.ports
        .filter((p) => p.from.length > 0)
        .map((p) => ({ port: p.name, from: p.from })),
      egress: {
        dependencies: s.dependencies,
        services: s.calls.map((c) => ({ component: c.component, port: PORTS[c.port] })),
      },
    },
  };
  if (s.ingressRoutes) {
    values.ingressRoutes = s.ingressRoutes.map((r) => ({
      path: r.path,
      component: r.component,
      port: r.port,
    }));
  }
  values.global = globalValues();
  return values;
}

// ---- schemas -------------------------------------------------------------------------------

const str = (description: string, extra: Schema = {}): Schema => ({
  type: 'string',
  description,
  ...extra,
});
const bool = (description: string): Schema => ({ type: 'boolean', description });
const int = (description: string, minimum = 0): Schema => ({
  type: 'integer',
  minimum,
  description,
});
const obj = (description: string, properties: Record<string, Schema>): Schema => ({
  type: 'object',
  description,
  additionalProperties: false,
  properties,
});
const freeObj = (description: string): Schema => ({ type: 'object', description });
const arr = (description: string, items: Schema = {}): Schema => ({
  type: 'array',
  description,
  items,
});
const quantity = (description: string): Schema => ({
  type: ['string', 'integer'],
  description,
});

const portList = (description: string): Schema =>
  arr(description, { type: 'integer', minimum: 1, maximum: 65535 });

const egressTarget = (what: string): Schema =>
  obj(`Egress to ${what}`, {
    ports: portList('TCP ports allowed'),
    to: arr(
      'NetworkPolicy peers (ipBlock, namespaceSelector, podSelector); empty: any address on those ports',
      { type: 'object' },
    ),
  });

export function globalSchema(): Schema {
  return obj('Shared by every service (the umbrella chart passes them to all)', {
    image: obj('Images', {
      registry: str('Registry and path prefix, e.g. myregistry.azurecr.io'),
      tag: str(`Tag for every image (default: the chart's appVersion, ${APP_VERSION})`, {
        not: { const: 'latest' },
      }),
      pullPolicy: str('imagePullPolicy', { enum: ['IfNotPresent', 'Always', 'Never'] }),
      pullSecrets: arr('Names of image pull Secrets', { type: 'string' }),
    }),
    kafka: obj('Kafka, or the Kafka endpoint of Azure Event Hubs', {
      brokers: str(
        'Bootstrap servers, comma-separated host:port (required), e.g. <namespace>.servicebus.windows.net:9093',
      ),
      ssl: bool('TLS to the brokers (Event Hubs: true)'),
      sasl: obj('SASL authentication (Event Hubs: mechanism plain, username $ConnectionString)', {
        mechanism: str('Empty: no SASL', {
          enum: ['', 'plain', 'scram-sha-256', 'scram-sha-512'],
        }),
        existingSecret: str('Secret holding the username and password'),
        usernameKey: str('Key of the username in that Secret'),
        passwordKey: str('Key of the password in that Secret'),
      }),
    }),
    otel: obj('OpenTelemetry', {
      endpoint: str('OTLP/HTTP collector base URL, e.g. http://otel-collector:4318; empty: off'),
    }),
    identity: obj("Where services verify identity's access tokens", {
      issuer: str('`iss` of access tokens, e.g. https://cairn.example.nhs.uk/identity (required)'),
      jwksUrl: str(
        "Identity's JWKS URL; in-cluster: http://<release>-identity:8081/.well-known/jwks.json (needs jwksAllowHttp)",
      ),
      jwksAllowHttp: bool(
        'Allow plain http to the JWKS (only inside the cluster, ideally behind a mesh with mTLS)',
      ),
    }),
    publicBaseUrl: str('The gateway public URL, e.g. https://cairn.example.nhs.uk (required)'),
    ingress: obj(
      "The one public entry: the gateway's Ingress, also routing /receipts/ to messaging",
      {
        enabled: bool('Create the Ingress (and open the public ports to the ingress controller)'),
        className: str('ingressClassName'),
        host: str('Public host name (required when enabled)'),
        annotations: freeObj('annotations, e.g. cert-manager.io/cluster-issuer'),
        tls: obj('TLS', {
          enabled: bool('Terminate TLS (keep on)'),
          secretName: str('TLS Secret (cert-manager or your own; required with TLS)'),
        }),
      },
    ),
    azure: obj('Azure', {
      workloadIdentity: obj('Azure AD workload identity for Blob Storage and Key Vault', {
        clientId: str('Client id of the managed identity; empty: not used'),
      }),
    }),
    networkPolicy: obj('NetworkPolicies', {
      enabled: bool('Default deny for the release plus one policy per service'),
      dns: obj('Where cluster DNS runs', {
        namespaceSelector: freeObj('namespaceSelector'),
        podSelector: freeObj('podSelector'),
      }),
      ingressController: obj('The ingress controller allowed to reach public ports', {
        namespaceSelector: freeObj('namespaceSelector'),
        podSelector: freeObj('podSelector'),
      }),
      egress: obj('Backing services outside the release', {
        kafka: egressTarget('Kafka'),
        mongodb: egressTarget('MongoDB or Cosmos DB'),
        blob: egressTarget('Azure Blob Storage'),
        keyVault: egressTarget('Azure Key Vault'),
        otel: egressTarget('the OpenTelemetry collector'),
        smsProviders: egressTarget("SMS providers' HTTPS APIs (messaging)"),
        clamav: egressTarget('clamd, the ClamAV daemon (media-vault)'),
      }),
    }),
  });
}

const DEPENDENCIES: Dependency[] = [
  'kafka',
  'mongodb',
  'blob',
  'keyVault',
  'otel',
  'smsProviders',
  'clamav',
];
const PORT_NAMES = Object.keys(PORTS) as PortName[];

/** The schema of one service's values (the service chart's root, the umbrella's `<service>`). */
export function serviceSchema(s: ServiceSpec, { withGlobal }: { withGlobal: boolean }): Schema {
  const properties: Record<string, Schema> = {
    enabled: bool('Installed by the umbrella chart'),
    component: str('The service name (fixed)', { const: s.name }),
    image: obj('Image', {
      registry: str('Overrides global.image.registry'),
      repository: str('Repository'),
      tag: str('Overrides global.image.tag', { not: { const: 'latest' } }),
      digest: str('sha256:… digest; wins over the tag', { pattern: '^(sha256:[a-f0-9]{64})?$' }),
    }),
    replicaCount: int('Replicas when autoscaling is off', 1),
    logLevel: str('LOG_LEVEL', {
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    }),
    ports: arr('Container ports (in-cluster convention; fixed)', {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'port'],
      properties: {
        name: str('Port name', { enum: PORT_NAMES }),
        port: int('Port', 1),
        env: str('Variable the service reads it from'),
      },
    }),
    env: {
      type: 'object',
      description: "The service's variables (see its src/config); values may use templates",
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
    requiredEnv: arr('Variables of env the chart refuses to render without', { type: 'string' }),
    extraEnv: arr('Extra container env entries, as written', { type: 'object' }),
    secrets: obj('Secret variables, from one existing Secret', {
      existingSecret: str('Secret name (default: <release>-<service>)'),
      env: {
        type: 'object',
        description: 'Variable → key in the Secret',
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          required: ['key'],
          properties: { key: { type: 'string' }, optional: { type: 'boolean' } },
        },
      },
    }),
    resources: obj('Container resources (requests required)', {
      requests: freeObj('requests'),
      limits: freeObj('limits'),
    }),
    autoscaling: obj('HorizontalPodAutoscaler', {
      enabled: bool('Create an HPA (replicaCount is then ignored)'),
      minReplicas: int('Minimum replicas', 1),
      maxReplicas: int('Maximum replicas', 1),
      targetCPUUtilizationPercentage: int('CPU target', 1),
      targetMemoryUtilizationPercentage: int('Memory target; 0: not used'),
    }),
    podDisruptionBudget: obj('PodDisruptionBudget', {
      maxUnavailable: quantity('Pods that may be down at once during voluntary disruptions'),
    }),
    topologySpread: obj('Spread replicas over zones and nodes', {
      enabled: bool('Add topologySpreadConstraints'),
      maxSkew: int('maxSkew', 1),
      whenUnsatisfiable: str('whenUnsatisfiable', { enum: ['ScheduleAnyway', 'DoNotSchedule'] }),
      topologyKeys: arr('One constraint per key', { type: 'string' }),
    }),
    shutdown: obj('Graceful shutdown; grace period > preStop sleep + shutdown timeout', {
      preStopSleepSeconds: int('preStop sleep while endpoints are removed', 0),
      drainTimeoutSeconds: int('DRAIN_TIMEOUT: in-flight requests may finish', 1),
      timeoutSeconds: int('SHUTDOWN_TIMEOUT: bound on the whole shutdown', 1),
      terminationGracePeriodSeconds: int('terminationGracePeriodSeconds', 1),
    }),
    probes: obj('Probes', {
      startupFailureThreshold: int('Startup probe attempts, 2 s apart', 1),
    }),
    securityContext: obj('Pod security', {
      runAsUser: int('Non-root UID (the image runs as 1000)', 1),
    }),
    tmpSizeLimit: quantity('Size limit of the /tmp emptyDir'),
    serviceAccount: obj('ServiceAccount', { annotations: freeObj('annotations') }),
    azure: obj('Azure', {
      workloadIdentity: obj('Workload identity', {
        clientId: str('Overrides global.azure.workloadIdentity.clientId'),
      }),
    }),
    podAnnotations: freeObj('Pod annotations'),
    nodeSelector: freeObj('nodeSelector'),
    tolerations: arr('tolerations', { type: 'object' }),
    affinity: freeObj('affinity'),
    networkPolicy: obj("This service's NetworkPolicy (fixed by the catalog)", {
      ingress: arr('Per port, who may connect', {
        type: 'object',
        additionalProperties: false,
        properties: {
          port: str('Port name', { enum: PORT_NAMES }),
          from: arr('Components, "*" or "ingress-controller"', { type: 'string' }),
        },
      }),
      egress: obj('Egress', {
        dependencies: arr('Backing services', { type: 'string', enum: DEPENDENCIES }),
        services: arr('Other services', {
          type: 'object',
          additionalProperties: false,
          properties: { component: { type: 'string' }, port: { type: 'integer' } },
        }),
      }),
    }),
  };
  if (s.ingressRoutes) {
    properties.ingressRoutes = arr(
      'Routes of the public Ingress (global.ingress): path prefix → component and port',
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          path: { type: 'string' },
          component: { type: 'string' },
          port: { type: 'string', enum: PORT_NAMES },
        },
      },
    );
  }
  properties.global = withGlobal ? globalSchema() : freeObj('Shared values (see global)');
  // Helm adds a key per dependency (the library chart) to the values it validates.
  properties['cairn-common'] = freeObj('Values of the library chart (none)');
  return {
    ...(withGlobal ? { $schema: 'http://json-schema.org/draft-07/schema#' } : {}),
    title: `${s.name}: ${s.description}`,
    type: 'object',
    additionalProperties: false,
    properties,
  };
}
