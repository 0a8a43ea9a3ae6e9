// The data set of the end-of-contract bench: how many records of which kind each participant
// holds for one organisation, over how many synthetic patients (999-range NHS numbers), and the
// ids that tie them together (a gateway link's request id names the media-vault group of its
// photos; messages, links, look-ups and ledger entries go round the patients in turn).
//
// Shares of BENCH_EOC_RECORDS (R) for the organisation whose contract ends:
//   identity      14%  directory entries (one per patient), look-ups, deaths (1 in 20 patients),
//                      save-to-record filings (2%)
//   messaging     25%  delivered messages, staff-read records (2%), templates (1 in 5,000)
//   gateway       18%  patient links with their responses (12%), patient sessions (3%),
//                      staff view records (3%)
//   media-vault    3%  objects (each a photo and its thumbnail: two blobs) and the patient keys
//                      of the patients who sent them; BENCH_EOC_MEDIA overrides the number of
//                      objects (blobs on Azurite are the slowest records to create and delete)
//   audit-ledger  the rest (about 40%): ledger entries, 2% of them organisation-level (no
//                      patient), the others about one patient each
import { createHash } from 'node:crypto';
import { completeNhsNumber } from '@cairn/nhs';

export const PARTICIPANTS = [
  'identity',
  'messaging',
  'gateway',
  'media-vault',
  'audit-ledger',
] as const;
export type Participant = (typeof PARTICIPANTS)[number];

export interface OrgPlan {
  readonly ods: string;
  /** Synthetic NHS numbers (999 range), one per patient. */
  readonly nhsNumbers: readonly string[];
  readonly identity: {
    readonly patients: number;
    readonly lookUps: number;
    readonly deaths: number;
    readonly filings: number;
  };
  /** Each message also has the two guards a delivered message leaves (not counted as records). */
  readonly messaging: {
    readonly messages: number;
    readonly access: number;
    readonly templates: number;
  };
  readonly gateway: { readonly links: number; readonly sessions: number; readonly views: number };
  /** Blobs: two per object (content and thumbnail). */
  readonly media: { readonly objects: number; readonly keys: number };
  /** Entries about one patient each, and organisation-level entries. */
  readonly ledger: { readonly patientEvents: number; readonly orgEvents: number };
}

/** Every valid 999-range NHS number from `start` on (1 in 11 bodies has no check digit). */
export function syntheticNhsNumbers(count: number, start = 0): string[] {
  const numbers: string[] = [];
  for (let n = start; numbers.length < count && n < 1_000_000; n++) {
    const nhsNumber = completeNhsNumber(`999${String(n).padStart(6, '0')}`);
    if (nhsNumber) numbers.push(nhsNumber);
  }
  if (numbers.length < count) throw new Error(`only ${numbers.length} synthetic NHS numbers`);
  return numbers;
}

export function planOrganisation(
  ods: string,
  records: number,
  nhsNumbers: readonly string[],
  mediaObjects?: number,
): OrgPlan {
  const share = (fraction: number) => Math.round(records * fraction);
  const patients = nhsNumbers.length;
  const deaths = Math.floor(patients / 20);
  const filings = share(0.02);
  const lookUps = Math.max(patients, share(0.14) - patients - deaths - filings);
  const templates = Math.max(1, Math.round(records / 5000));
  const access = share(0.02);
  const messages = Math.max(patients, share(0.25) - access - templates);
  const links = Math.max(patients, share(0.12));
  const sessions = Math.min(links, share(0.03));
  const views = share(0.03);
  const objects = Math.min(links, mediaObjects ?? share(0.03));
  const keys = Math.min(patients, objects);
  const others =
    patients + lookUps + deaths + filings + messages + access + templates + links + sessions;
  const ledger = Math.max(0, records - others - views - objects - keys);
  const orgEvents = Math.round(ledger * 0.02);
  return {
    ods,
    nhsNumbers,
    identity: { patients, lookUps, deaths, filings },
    messaging: { messages, access, templates },
    gateway: { links, sessions, views },
    media: { objects, keys },
    ledger: { patientEvents: ledger - orgEvents, orgEvents },
  };
}

/** Records of each participant in the plan (what the bench counts as records). */
export function recordsOf(plan: OrgPlan): Record<Participant, number> {
  const { identity: i, messaging: m, gateway: g, media, ledger } = plan;
  return {
    identity: i.patients + i.lookUps + i.deaths + i.filings,
    messaging: m.messages + m.access + m.templates,
    gateway: g.links + g.sessions + g.views,
    'media-vault': media.objects + media.keys,
    'audit-ledger': ledger.patientEvents + ledger.orgEvents,
  };
}

export function totalRecords(plan: OrgPlan): number {
  return Object.values(recordsOf(plan)).reduce((a, b) => a + b, 0);
}

/** The gateway link of index i: its request id names the media-vault group of its photos. */
export function linkRequestId(ods: string, i: number): string {
  // UUID-shaped (the gateway mints v4 UUIDs), stable per organisation and index.
  const h = createHash('sha256').update(`link:${ods}:${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-GB');
export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const rate = (n: number, ms: number) => (ms > 0 ? `${fmt((n / ms) * 1000)}/s` : '—');

/** Members of staff the seeded records name (UUID-shaped, stable per organisation). */
export function staffIds(ods: string): string[] {
  return [0, 1, 2, 3, 4].map((n) => linkRequestId(`staff-${ods}`, n));
}

/** A time in the two years before the run, spread by index. */
export function pastTime(i: number, of: number): Date {
  const span = 2 * 365 * 24 * 3600_000;
  return new Date(Date.now() - span + Math.floor((span * i) / Math.max(1, of)));
}

/** The link token of the gateway link of index i (128 bits; the gateway stores only its hash). */
export function linkToken(ods: string, i: number): string {
  return createHash('sha256')
    .update(`token:${ods}:${i}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/** The object id of link i's photo (UUID-shaped like the vault's objectIdFor). */
export function mediaObjectId(ods: string, i: number): string {
  const h = createHash('sha256').update(`object:${ods}:${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
