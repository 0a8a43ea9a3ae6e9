// Messaging's records for the bench, written straight into messaging's database in the shape
// messaging stores them. The module boundaries keep a gateway bench from importing messaging's
// code, so the documents follow services/messaging/src/repositories/schemas.ts field by field:
//   messages        delivered SMS: { _id: derivedId('m_', ODS, idempotency key) (as
//                   SendMessageUseCase.messageId), organisation, nhsNumber, mobile (E.164, Ofcom
//                   drama range), text, link, status 'delivered', encoding, characters, segments,
//                   warnings, sentBy, idempotencyKey, createdAt, updatedAt, sentAt, deliveredAt,
//                   provider, providerMessageId, attempts, outbox }
//   message_guards  the two a delivered message leaves (message.repository.ts move()):
//                   "<id>|0|leave-created" (the dispatcher's claim) and "<id>|final" (the receipt)
//   access_events   staff reads: { _id: 'a_' + UUIDv7, organisation, staffId, at, outbox }
//   templates       { _id: 't_' + UUIDv7, organisation, name, body, placeholders, createdBy,
//                   createdAt, outbox }
// Messaging's end-of-contract erasure (usecases/erase-data) deletes all of them; guards are
// bookkeeping, not records, and are not counted as such.
import { createHash } from 'node:crypto';
import type { Db, Document } from 'mongodb';
import { v7 as uuidv7 } from 'uuid';
import { linkToken, pastTime, staffIds, type OrgPlan } from './plan';
import { count, countIn, insertAll, type FloorTarget } from './store';

const COLLECTIONS = {
  messages: 'messages',
  guards: 'message_guards',
  access: 'access_events',
  templates: 'templates',
} as const;

/** As messaging's derivedId (repositories/messaging-database.ts). */
function derivedId(prefix: string, ...parts: string[]): string {
  return (
    prefix + createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 26)
  );
}

const TEXT =
  'Park Lane Medical Centre: please reply with a photo of the area we discussed using this link. ' +
  'The link works for 7 days.';

export interface SeededMessaging {
  readonly messageIds: string[];
  readonly guardIds: string[];
}

export async function seedMessaging(
  db: Db,
  plan: OrgPlan,
  publicBaseUrl: string,
): Promise<SeededMessaging> {
  const { ods, nhsNumbers, messaging: n } = plan;
  const staff = staffIds(ods);
  const messages: Document[] = [];
  const guards: Document[] = [];
  for (let i = 0; i < n.messages; i++) {
    const idempotencyKey = `bench-${i}`;
    const _id = derivedId('m_', ods, idempotencyKey);
    const createdAt = pastTime(i, n.messages);
    const sentAt = new Date(createdAt.getTime() + 2_000);
    const deliveredAt = new Date(createdAt.getTime() + 9_000);
    const withLink = i < plan.gateway.links;
    messages.push({
      _id,
      organisation: ods,
      nhsNumber: nhsNumbers[i % nhsNumbers.length],
      mobile: `+447700900${String(i % 1000).padStart(3, '0')}`,
      text: TEXT,
      ...(withLink
        ? {
            link: {
              kind: 'response-request',
              url: `${publicBaseUrl}/r/${linkToken(ods, i)}`,
              expiresAt: new Date(createdAt.getTime() + 7 * 24 * 3600_000),
            },
          }
        : {}),
      status: 'delivered',
      encoding: 'GSM-7',
      characters: TEXT.length,
      segments: 1,
      warnings: [],
      sentBy: staff[i % staff.length],
      idempotencyKey,
      createdAt,
      updatedAt: deliveredAt,
      sentAt,
      deliveredAt,
      provider: 'sandbox',
      providerMessageId: `sandbox-${_id}`,
      attempts: 1,
      outbox: [],
    });
    guards.push(
      { _id: `${_id}|0|leave-created`, at: createdAt },
      { _id: `${_id}|final`, at: deliveredAt },
    );
  }
  const access: Document[] = [];
  for (let i = 0; i < n.access; i++) {
    access.push({
      _id: `a_${uuidv7()}`,
      organisation: ods,
      staffId: staff[i % staff.length],
      at: pastTime(i, n.access),
      outbox: [],
    });
  }
  const templates: Document[] = [];
  for (let i = 0; i < n.templates; i++) {
    templates.push({
      _id: `t_${uuidv7()}`,
      organisation: ods,
      name: `Template ${i + 1}`,
      body: 'Dear ((first name)), please book your review appointment.',
      placeholders: ['first name'],
      createdBy: staff[i % staff.length],
      createdAt: pastTime(i, n.templates),
      outbox: [],
    });
  }
  await insertAll(db.collection(COLLECTIONS.messages), messages);
  await insertAll(db.collection(COLLECTIONS.guards), guards);
  await insertAll(db.collection(COLLECTIONS.access), access);
  await insertAll(db.collection(COLLECTIONS.templates), templates);
  return {
    messageIds: messages.map((m) => String(m._id)),
    guardIds: guards.map((g) => String(g._id)),
  };
}

/** The organisation's records messaging still holds, by kind (guards by their message ids). */
export async function countMessaging(
  db: Db,
  ods: string,
  seeded: SeededMessaging,
): Promise<Record<string, number>> {
  return {
    messages: await count(db, COLLECTIONS.messages, { organisation: ods }),
    'staff-read records': await count(db, COLLECTIONS.access, { organisation: ods }),
    templates: await count(db, COLLECTIONS.templates, { organisation: ods }),
    'message guards': await countIn(db, COLLECTIONS.guards, '_id', seeded.guardIds),
  };
}

export function expectedMessaging(plan: OrgPlan): Record<string, number> {
  return {
    messages: plan.messaging.messages,
    'staff-read records': plan.messaging.access,
    templates: plan.messaging.templates,
    'message guards': 2 * plan.messaging.messages,
  };
}

export function messagingFloor(plan: OrgPlan, seeded: SeededMessaging): FloorTarget[] {
  const filter = { organisation: plan.ods };
  return [
    { collection: COLLECTIONS.messages, filter, expected: plan.messaging.messages },
    { collection: COLLECTIONS.guards, field: '_id', ids: seeded.guardIds },
    { collection: COLLECTIONS.access, filter, expected: plan.messaging.access },
    { collection: COLLECTIONS.templates, filter, expected: plan.messaging.templates },
  ];
}
