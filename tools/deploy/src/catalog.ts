// The one description of how each service is deployed: its ports, its environment, the secrets
// it reads, whom it talks to. `npm run deploy -- generate` turns it into each service's Helm
// chart (Chart.yaml, values.yaml, values.schema.json, one template line), the umbrella chart's
// dependencies and values, and the Kustomize base; the templates themselves live once, in the
// library chart charts/cairn-common. Adding a service: one entry in SERVICES, then generate.

/** In-cluster port convention: the same number for the same role in every pod. */
export const PORTS = {
  grpc: 50051,
  health: 8080,
  http: 8000,
  jwks: 8081,
  webhook: 8082,
} as const;

export type PortName = keyof typeof PORTS;

export type Dependency =
  'kafka' | 'mongodb' | 'blob' | 'keyVault' | 'otel' | 'smsProviders' | 'clamav';

export interface PortSpec {
  name: PortName;
  /** The environment variable the service reads the port from. */
  env: string;
  /**
   * Who may connect (NetworkPolicy): component names of the same release, "*" for every Cairn
   * pod of the release, "ingress-controller" for the cluster's ingress controller. The health
   * port is always open to helm test pods (and to the kubelet, which policies do not govern).
   */
  from: string[];
}

export interface SecretEnv {
  /** Key in the service's Secret (<release>-<service> unless secrets.existingSecret is set). */
  key: string;
  /** Optional: the variable is left unset when the key is absent (the service decides). */
  optional?: boolean;
}

export interface ServiceSpec {
  name: string;
  description: string;
  /** Installed by the umbrella chart unless turned off. */
  enabled: boolean;
  ports: PortSpec[];
  /** Plain variables; values may use Helm templates. An empty value is left out. */
  env: Record<string, string>;
  /** Variables the chart refuses to render without (besides secrets and the platform's). */
  requiredEnv: string[];
  secrets: Record<string, SecretEnv>;
  dependencies: Dependency[];
  /** Egress to other services' ports. */
  calls: { component: string; port: PortName }[];
  /** Routes of the public Ingress (gateway only): path prefix → component and port. */
  ingressRoutes?: { path: string; component: string; port: PortName }[];
  resources: { cpu: string; memory: string; memoryLimit: string };
}

const grpc = (from: string[]): PortSpec => ({ name: 'grpc', env: 'GRPC_PORT', from });
const health: PortSpec = { name: 'health', env: 'HEALTH_PORT', from: [] };
const mongodb: Record<string, SecretEnv> = { MONGODB_URI: { key: 'mongodb-uri' } };

/** Token verification against identity's JWKS (@cairn/auth), shared by every verifying service. */
const verifiesTokens = {
  IDENTITY_ISSUER: '{{ .Values.global.identity.issuer }}',
  IDENTITY_JWKS_URL: '{{ .Values.global.identity.jwksUrl }}',
  IDENTITY_JWKS_ALLOW_HTTP: '{{ .Values.global.identity.jwksAllowHttp }}',
};

const peer = (component: string, port: PortName) =>
  `http://{{ .Release.Name }}-${component}:${PORTS[port]}`;

export const SERVICES: ServiceSpec[] = [
  {
    name: 'identity',
    description: 'Staff accounts, organisations, sessions and tokens (JWKS), the patient directory',
    enabled: true,
    ports: [
      // messaging looks patients up in the directory.
      grpc(['gateway', 'messaging']),
      health,
      { name: 'jwks', env: 'JWKS_PORT', from: ['*'] },
    ],
    env: {
      IDENTITY_ISSUER: '{{ .Values.global.identity.issuer }}',
      EMAIL_TRANSPORT: 'smtp',
      DIRECTORY_CLINICAL_SYSTEM: 'fhir',
      DIRECTORY_FHIR_URL: '',
      /**
       * messaging:<SHA-256 hex of messaging's identity-service-credential>: look-ups without a
       * member of staff (hashes, not secrets).
       */
      IDENTITY_SERVICE_CREDENTIALS: '',
    },
    requiredEnv: ['IDENTITY_ISSUER', 'EMAIL_TRANSPORT', 'DIRECTORY_CLINICAL_SYSTEM'],
    secrets: {
      ...mongodb,
      IDENTITY_KEK: { key: 'identity-kek' },
      SMTP_URL: { key: 'smtp-url', optional: true },
      BOOTSTRAP_SECRET: { key: 'bootstrap-secret', optional: true },
      DIRECTORY_FHIR_AUTHORIZATION: { key: 'fhir-authorization', optional: true },
      OIDC_CLIENT_SECRET: { key: 'oidc-client-secret', optional: true },
    },
    dependencies: ['kafka', 'mongodb', 'otel'],
    calls: [],
    resources: { cpu: '250m', memory: '256Mi', memoryLimit: '512Mi' },
  },
  {
    name: 'audit-ledger',
    description: 'The Merkle-tree ledger of every event, signed tree heads, proofs, auditors',
    enabled: true,
    ports: [grpc(['gateway']), health],
    env: { ...verifiesTokens },
    requiredEnv: ['IDENTITY_ISSUER', 'IDENTITY_JWKS_URL'],
    secrets: {
      ...mongodb,
      LEDGER_PSEUDONYM_KEY: { key: 'pseudonym-key' },
      LEDGER_KEK: { key: 'kek' },
      LEDGER_SIGNING_KEY: { key: 'signing-key' },
      LEDGER_BLOB_CONNECTION_STRING: { key: 'blob-connection-string' },
    },
    dependencies: ['kafka', 'mongodb', 'blob', 'otel'],
    calls: [{ component: 'identity', port: 'jwks' }],
    resources: { cpu: '250m', memory: '384Mi', memoryLimit: '768Mi' },
  },
  {
    name: 'messaging',
    description: 'Outbound SMS, delivery attempts and receipts, templates, opt-outs, history',
    enabled: true,
    ports: [
      grpc(['gateway']),
      health,
      // Providers' delivery receipts arrive through the gateway's Ingress (/receipts/).
      { name: 'webhook', env: 'WEBHOOK_PORT', from: ['ingress-controller'] },
    ],
    env: {
      ...verifiesTokens,
      IDENTITY_GRPC_URL: peer('identity', 'grpc'),
      /** e.g. "firetext:70,vonage:30"; each provider's credentials come from the Secret. */
      SMS_PROVIDERS: '',
      VIDEO_ROOM_BASE_URL: '',
    },
    requiredEnv: ['IDENTITY_ISSUER', 'IDENTITY_JWKS_URL', 'SMS_PROVIDERS', 'VIDEO_ROOM_BASE_URL'],
    secrets: {
      ...mongodb,
      FIRETEXT_API_KEY: { key: 'firetext-api-key', optional: true },
      FIRETEXT_RECEIPT_TOKEN: { key: 'firetext-receipt-token', optional: true },
      VONAGE_API_KEY: { key: 'vonage-api-key', optional: true },
      VONAGE_API_SECRET: { key: 'vonage-api-secret', optional: true },
      VONAGE_SIGNATURE_SECRET: { key: 'vonage-signature-secret', optional: true },
      // identity knows only its SHA-256 (identity.env.IDENTITY_SERVICE_CREDENTIALS).
      MESSAGING_SERVICE_CREDENTIAL: { key: 'identity-service-credential', optional: true },
    },
    dependencies: ['kafka', 'mongodb', 'smsProviders', 'otel'],
    calls: [
      { component: 'identity', port: 'grpc' },
      { component: 'identity', port: 'jwks' },
    ],
    resources: { cpu: '200m', memory: '256Mi', memoryLimit: '512Mi' },
  },
  {
    name: 'media-vault',
    description: 'Photo and file metadata, per-object wrapped data keys; bytes in Azure Blob',
    enabled: true,
    ports: [grpc(['gateway']), health],
    env: {
      ...verifiesTokens,
      MEDIA_KEY_STORE: 'azure-key-vault',
      /** https://<vault>.vault.azure.net/keys/<name>/<version> (required with azure-key-vault). */
      MEDIA_KEY_VAULT_KEY_ID: '',
      MEDIA_SCAN_MODE: 'clamd',
      /** clamd, e.g. tcp://clamav.clamav:3310. */
      MEDIA_CLAMD_ADDRESS: '',
      /**
       * gateway:<SHA-256 hex of the gateway's media-vault-service-token>, comma separated (two
       * entries during a rotation); hashes, not secrets.
       */
      MEDIA_SERVICE_TOKEN_SHA256: '',
    },
    requiredEnv: [
      'IDENTITY_ISSUER',
      'IDENTITY_JWKS_URL',
      'MEDIA_CLAMD_ADDRESS',
      'MEDIA_SERVICE_TOKEN_SHA256',
    ],
    secrets: {
      ...mongodb,
      MEDIA_BLOB_CONNECTION_STRING: { key: 'blob-connection-string' },
      MEDIA_PSEUDONYM_KEY: { key: 'pseudonym-key' },
      MEDIA_KEK: { key: 'kek', optional: true },
    },
    dependencies: ['kafka', 'mongodb', 'blob', 'keyVault', 'clamav', 'otel'],
    calls: [{ component: 'identity', port: 'jwks' }],
    resources: { cpu: '500m', memory: '512Mi', memoryLimit: '1Gi' },
  },
  {
    name: 'gateway',
    description: 'The edge: patient, clinician and auditor web pages and the public API',
    enabled: true,
    ports: [grpc([]), health, { name: 'http', env: 'HTTP_PORT', from: ['ingress-controller'] }],
    env: {
      PUBLIC_BASE_URL: '{{ .Values.global.publicBaseUrl }}',
      ...verifiesTokens,
      IDENTITY_URL: peer('identity', 'grpc'),
      MESSAGING_URL: peer('messaging', 'grpc'),
      MEDIA_VAULT_URL: peer('media-vault', 'grpc'),
      /**
       * The auditor console: the ledger's Ed25519 public key (SPKI PEM) turns it on, and with it
       * the ledger's address (the gateway wants both or neither).
       */
      AUDIT_LEDGER_PUBLIC_KEY: '',
      AUDIT_LEDGER_URL: `{{ if .Values.env.AUDIT_LEDGER_PUBLIC_KEY }}${peer('audit-ledger', 'grpc')}{{ end }}`,
      /** The retention pages (erasure requests, legal holds, disposal review). */
      RETENTION_URL: peer('retention', 'grpc'),
    },
    requiredEnv: ['PUBLIC_BASE_URL', 'IDENTITY_ISSUER', 'IDENTITY_JWKS_URL'],
    secrets: {
      ...mongodb,
      GATEWAY_LINK_KEY: { key: 'link-key' },
      // media-vault knows only its SHA-256 (media-vault.env.MEDIA_SERVICE_TOKEN_SHA256).
      MEDIA_VAULT_SERVICE_TOKEN: { key: 'media-vault-service-token' },
    },
    dependencies: ['kafka', 'mongodb', 'otel'],
    calls: [
      { component: 'identity', port: 'grpc' },
      { component: 'identity', port: 'jwks' },
      { component: 'messaging', port: 'grpc' },
      { component: 'media-vault', port: 'grpc' },
      // The auditor console, and erasure requests (ARCHITECTURE.md: the gateway calls the others).
      { component: 'audit-ledger', port: 'grpc' },
      { component: 'retention', port: 'grpc' },
    ],
    ingressRoutes: [
      { path: '/receipts/', component: 'messaging', port: 'webhook' },
      { path: '/', component: 'gateway', port: 'http' },
    ],
    resources: { cpu: '500m', memory: '384Mi', memoryLimit: '768Mi' },
  },
  {
    name: 'retention',
    description: 'Retention policies, erasure requests with two-person approval, legal holds',
    enabled: true,
    ports: [grpc(['gateway']), health],
    env: { ...verifiesTokens },
    requiredEnv: ['IDENTITY_ISSUER', 'IDENTITY_JWKS_URL'],
    secrets: {
      ...mongodb,
      /** Signs certificates of destruction (Ed25519, PKCS#8 PEM). */
      RETENTION_SIGNING_KEY: { key: 'signing-key' },
    },
    dependencies: ['kafka', 'mongodb', 'otel'],
    calls: [{ component: 'identity', port: 'jwks' }],
    resources: { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi' },
  },
];

export function service(name: string): ServiceSpec {
  const found = SERVICES.find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name} in tools/deploy/src/catalog.ts`);
  return found;
}

/** Chart and app version of every chart; images are tagged with it unless a tag is given. */
export const CHART_VERSION = '0.1.0';
export const APP_VERSION = '0.1.0';
