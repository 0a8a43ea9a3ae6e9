// The messaging service's one environment schema; nothing else reads process.env.
import { z } from 'zod';
import { baseConfigSchema, envVar } from '@cairn/platform';

export const SERVICE_NAME = 'messaging';

export const PROVIDER_NAMES = ['firetext', 'vonage', 'sandbox'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface ProviderWeight {
  readonly name: ProviderName;
  readonly weight: number;
}

/** "firetext:70,vonage:30": providers in use with their share of traffic. */
const providerWeights = () =>
  envVar.text().transform((raw, ctx): ProviderWeight[] => {
    const out: ProviderWeight[] = [];
    for (const part of raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [name, weightText = '1'] = part.split(':');
      const weight = Number(weightText);
      if (
        !PROVIDER_NAMES.includes(name as ProviderName) ||
        !Number.isInteger(weight) ||
        weight < 0
      ) {
        ctx.issues.push({
          code: 'custom',
          message: `expected name:weight pairs of ${PROVIDER_NAMES.join(', ')} (e.g. "firetext:70,vonage:30")`,
          input: raw,
        });
        return z.NEVER;
      }
      if (out.some((p) => p.name === name)) {
        ctx.issues.push({ code: 'custom', message: `provider "${name}" named twice`, input: raw });
        return z.NEVER;
      }
      out.push({ name: name as ProviderName, weight });
    }
    if (out.length === 0 || out.every((p) => p.weight === 0)) {
      ctx.issues.push({
        code: 'custom',
        message: 'at least one provider with a weight above 0',
        input: raw,
      });
      return z.NEVER;
    }
    return out;
  });

export const messagingConfigSchema = baseConfigSchema
  .extend({
    /** Plain-HTTP port for delivery receipts (/receipts/<provider>) and, with the sandbox, /dev. */
    WEBHOOK_PORT: envVar.port(),
    /** `iss` of identity's access tokens. */
    IDENTITY_ISSUER: envVar.url(),
    /** Identity's JWKS, e.g. http://identity:8161/.well-known/jwks.json. */
    IDENTITY_JWKS_URL: envVar.url(),
    IDENTITY_AUDIENCE: envVar.text().default('cairn'),
    IDENTITY_JWKS_ALLOW_HTTP: envVar.flag().default(false),
    /** Identity's gRPC address (the patient directory), e.g. http://identity:50061. */
    IDENTITY_GRPC_URL: envVar.url(),
    /**
     * Messaging's own credential at identity (@cairn/auth service credentials: identity holds its
     * SHA-256 in IDENTITY_SERVICE_CREDENTIALS), for look-ups made without a member of staff: the
     * re-check of a scheduled message just before it is sent, and a batch resumed after a
     * restart. Without it those look-ups cannot be made and such messages are not sent.
     */
    MESSAGING_SERVICE_CREDENTIAL: envVar
      .secret()
      .refine((token) => token.length >= 32, { message: 'at least 32 characters' })
      .optional(),
    /** Providers and weights, e.g. "firetext:70,vonage:30" or "sandbox:1". */
    SMS_PROVIDERS: providerWeights(),
    /** Sender id shown on phones (11 alphanumerics at most). */
    SMS_SENDER_ID: envVar.text().default('NHS'),
    FIRETEXT_URL: envVar.url().default('https://www.firetext.co.uk/api/sendsms/json'),
    FIRETEXT_API_KEY: envVar.secret().optional(),
    /** Secret that Firetext's receipt URL carries as ?token= (Firetext does not sign receipts). */
    FIRETEXT_RECEIPT_TOKEN: envVar.secret().optional(),
    VONAGE_URL: envVar.url().default('https://rest.nexmo.com/sms/json'),
    VONAGE_API_KEY: envVar.text().optional(),
    VONAGE_API_SECRET: envVar.secret().optional(),
    /** Vonage's signature secret (HMAC-SHA256 signed delivery receipts). */
    VONAGE_SIGNATURE_SECRET: envVar.secret().optional(),
    /** A provider call slower than this counts as failed and the next provider is tried. */
    PROVIDER_TIMEOUT: envVar.duration().default(5_000),
    /** Hand-over attempts per message before technical-failure. */
    SEND_MAX_ATTEMPTS: envVar.integer({ min: 1, max: 20 }).default(5),
    /** Messages handed over at once by one dispatcher. */
    DISPATCH_CONCURRENCY: envVar.integer({ min: 1, max: 1000 }).default(64),
    /** Messages per second per organisation, and per provider (token buckets, per replica). */
    RATE_PER_ORGANISATION: envVar.integer({ min: 1, max: 100_000 }).default(1_000),
    RATE_PER_PROVIDER: envVar.integer({ min: 1, max: 100_000 }).default(2_000),
    /** Messages still sending or sent without receipt this long are technical failures. */
    SENDING_TIMEOUT: envVar.duration().default(72 * 3_600_000),
    /** Most segments a message may have. */
    MAX_SEGMENTS: envVar.integer({ min: 1, max: 20 }).default(6),
    /** Base URL where unguessable video-consultation rooms are minted. */
    VIDEO_ROOM_BASE_URL: envVar.url({ protocols: ['https'] }),
    /** Allow Ofcom's drama numbers (07700 900xxx; synthetic patients only). */
    ALLOW_DRAMA_MOBILES: envVar.flag().default(false),
    /** Topic messaging publishes on; the service's own unless a test isolates itself. */
    MESSAGING_EVENTS_TOPIC: envVar.text().default('cairn.messaging.events.v1'),
    /** Retention's topic (ErasureOrdered). */
    MESSAGING_RETENTION_TOPIC: envVar.text().default('cairn.retention.events.v1'),
    /** Consumer group of the erasure consumer; the service name unless a test isolates itself. */
    MESSAGING_CONSUMER_GROUP: envVar.text().default(SERVICE_NAME),
  })
  .superRefine((config, ctx) => {
    const uses = (name: ProviderName) => config.SMS_PROVIDERS.some((p) => p.name === name);
    const need = (when: boolean, names: (keyof typeof config)[]) => {
      if (!when) return;
      for (const name of names) {
        if (config[name] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'required for the provider in SMS_PROVIDERS',
          });
        }
      }
    };
    need(uses('firetext'), ['FIRETEXT_API_KEY', 'FIRETEXT_RECEIPT_TOKEN']);
    need(uses('vonage'), ['VONAGE_API_KEY', 'VONAGE_API_SECRET', 'VONAGE_SIGNATURE_SECRET']);
  });

export type MessagingConfig = z.output<typeof messagingConfigSchema>;
