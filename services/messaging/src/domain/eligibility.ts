// Whether a patient may be sent an SMS, from the directory's facts. The mobile is checked again
// here with libphonenumber (through @cairn/nhs) rather than trusted as given.
import { parseUkMobile } from '@cairn/nhs';
import type { PatientFacts } from '../directory/patient-directory.port';
import type { RefusalReason } from './message';

export type Eligibility =
  | { readonly ok: true; readonly mobile: string }
  | { readonly ok: false; readonly reason: RefusalReason };

export function eligibility(
  facts: PatientFacts | undefined,
  options: { allowDramaNumbers: boolean },
): Eligibility {
  if (!facts || !facts.registered) return { ok: false, reason: 'not-registered' };
  if (facts.deceased) return { ok: false, reason: 'deceased' };
  if (facts.smsDissent) return { ok: false, reason: 'sms-dissent' };
  if (facts.mobile.status === 'absent') return { ok: false, reason: 'no-mobile' };
  if (facts.mobile.status !== 'valid') return { ok: false, reason: 'invalid-mobile' };
  const parsed = parseUkMobile(facts.mobile.e164, { allowDramaNumbers: options.allowDramaNumbers });
  if (!parsed.ok) return { ok: false, reason: 'invalid-mobile' };
  return { ok: true, mobile: parsed.mobile };
}
