// The gateway's records for the bench, written with the gateway's own database code
// (GatewayDatabase: its mongoose models, so every document is cast and validated by the schemas
// in src/repositories/*.schema.ts) and its own link-token and date-of-birth helpers:
//   patient_links     response requests, sent by SMS and answered: the patient's text and, for
//                     the first links, a photo stored in the media vault (group = request id);
//                     _id = hashLinkToken(token), the date of birth as DateOfBirthDigester's HMAC
//                     (under a key of the bench's: nobody verifies these links)
//   patient_sessions  sessions opened on links after the date-of-birth check
//   staff_views       staff views of patient pages and the inbox
// Inserted in bulk (insertMany) rather than through PatientLinkRepository.create one by one, and
// with the outbox already published (`outbox: []`), as the relay leaves it. The gateway's
// end-of-contract erasure (usecases/erase-patient-data) deletes all three.
import { randomBytes } from 'node:crypto';
import { DateOfBirthDigester } from '../../src/domain/date-of-birth';
import { hashLinkToken, hashSessionSecret } from '../../src/domain/link-token';
import { GatewayDatabase } from '../../src/repositories/gateway-database';
import type { PatientLinkDocument } from '../../src/repositories/patient-link.schema';
import type { PatientSessionDocument } from '../../src/repositories/patient-session.schema';
import type { StaffViewDocument } from '../../src/repositories/staff-view.schema';
import { linkRequestId, linkToken, mediaObjectId, pastTime, staffIds, type OrgPlan } from './plan';
import type { FloorTarget } from './store';

const ORGANISATION_NAMES: Record<string, string> = {
  A81001: 'Park Lane Medical Centre (synthetic)',
};
const DAY = 24 * 3600_000;

export interface SeededGateway {
  readonly linkIds: string[];
}

type Seeded<T> = T & { outbox: never[] };

export async function seedGateway(mongoUrl: string, plan: OrgPlan): Promise<SeededGateway> {
  const db = await GatewayDatabase.connect(mongoUrl);
  try {
    const { ods, nhsNumbers, gateway: n } = plan;
    const staff = staffIds(ods);
    const dob = new DateOfBirthDigester(randomBytes(32));
    const links: Seeded<PatientLinkDocument>[] = [];
    for (let i = 0; i < n.links; i++) {
      const id = hashLinkToken(linkToken(ods, i));
      const createdAt = pastTime(i, n.links);
      const at = (hours: number) => new Date(createdAt.getTime() + hours * 3600_000);
      const photos =
        i < plan.media.objects
          ? [
              {
                mediaId: mediaObjectId(ods, i),
                filename: 'photo.jpg',
                contentType: 'image/jpeg',
                sizeBytes: 2_048,
                advice: [],
              },
            ]
          : [];
      links.push({
        _id: id,
        requestId: linkRequestId(ods, i),
        kind: 'response-request',
        odsCode: ods,
        organisationName: ORGANISATION_NAMES[ods] ?? `Practice ${ods} (synthetic)`,
        issuedBy: staff[i % staff.length],
        nhsNumber: nhsNumbers[i % nhsNumbers.length],
        patientName: `Synthetic Patient ${i % nhsNumbers.length}`,
        dobDigest: dob.digest(id, `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`),
        message: 'Please send a photo of the rash on your arm.',
        createdAt,
        expiresAt: new Date(createdAt.getTime() + 7 * DAY),
        dobAttempts: 0,
        lockedAt: null,
        verifiedAt: at(2),
        consentedAt: at(2),
        draftText: '',
        draftPhotos: [],
        response: { text: 'It has spread a little since Monday.', photos, submittedAt: at(3) },
        readAt: at(20),
        savedToRecord: i % 3 === 0 ? { by: staff[0], at: at(21), reference: `DR/${i}` } : null,
        deleted: null,
        documentMediaId: null,
        documentFilename: null,
        outbox: [],
      });
    }
    const sessions: PatientSessionDocument[] = [];
    for (let i = 0; i < n.sessions; i++) {
      const createdAt = new Date(links[i].createdAt.getTime() + 2 * 3600_000);
      sessions.push({
        _id: hashSessionSecret(randomBytes(32).toString('base64url')),
        linkId: links[i]._id,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + 30 * 60_000),
      });
    }
    const views: Seeded<StaffViewDocument>[] = [];
    for (let i = 0; i < n.views; i++) {
      views.push({
        _id: linkRequestId(`view-${ods}`, i),
        odsCode: ods,
        staffId: staff[i % staff.length],
        what: i % 2 === 0 ? 'patient' : 'inbox',
        at: pastTime(i, n.views),
        outbox: [],
      });
    }
    for (const [model, docs] of [
      [db.links, links],
      [db.patientSessions, sessions],
      [db.staffViews, views],
    ] as const) {
      for (let start = 0; start < docs.length; start += 2_000) {
        await (model as typeof db.links).insertMany(docs.slice(start, start + 2_000) as never[], {
          ordered: false,
        });
      }
    }
    return { linkIds: links.map((l) => l._id) };
  } finally {
    await db.close();
  }
}

/** The organisation's records the gateway still holds, by kind (sessions by their link ids). */
export async function countGateway(
  mongoUrl: string,
  ods: string,
  seeded: SeededGateway,
): Promise<Record<string, number>> {
  const db = await GatewayDatabase.connect(mongoUrl);
  try {
    const linkIds = new Set(seeded.linkIds);
    let sessions = 0;
    for await (const s of db.patientSessions.find({}, { linkId: 1 }).lean().cursor()) {
      if (linkIds.has(s.linkId)) sessions++;
    }
    return {
      'patient links': await db.links.countDocuments({ odsCode: ods }).exec(),
      'patient sessions': sessions,
      'staff views': await db.staffViews.countDocuments({ odsCode: ods }).exec(),
    };
  } finally {
    await db.close();
  }
}

export function expectedGateway(plan: OrgPlan): Record<string, number> {
  return {
    'patient links': plan.gateway.links,
    'patient sessions': plan.gateway.sessions,
    'staff views': plan.gateway.views,
  };
}

export function gatewayFloor(plan: OrgPlan, seeded: SeededGateway): FloorTarget[] {
  return [
    {
      collection: 'patient_sessions',
      field: 'linkId',
      ids: seeded.linkIds.slice(0, plan.gateway.sessions),
    },
    { collection: 'patient_links', filter: { odsCode: plan.ods }, expected: plan.gateway.links },
    { collection: 'staff_views', filter: { odsCode: plan.ods }, expected: plan.gateway.views },
  ];
}
