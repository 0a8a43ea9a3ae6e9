// The "raise an erasure request" form, checked on arrival: a hidden request id (UUID, chosen when
// the form was first shown, so a resubmission is the same request), the scope (one patient by
// NHS number, or the whole organisation at the end of its contract), the grounds and the
// justification. The whole organisation goes only with "end of contract", as retention requires.
import type { RaiseErasure } from '../../ports/retention.port';
import {
  isRequestId,
  nhsNumberOf,
  reasonOf,
  type FieldError,
} from '../retention-shared/retention-forms';

export interface RaiseErasureForm {
  readonly requestId?: string;
  /** "patient" or "organisation". */
  readonly scope?: string;
  readonly nhsNumber?: string;
  /** "erasure-right", "court-order" or "end-of-contract". */
  readonly grounds?: string;
  readonly justification?: string;
}

export type ParsedRaiseErasure =
  | { readonly ok: true; readonly request: RaiseErasure }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

const GROUNDS = ['erasure-right', 'court-order', 'end-of-contract'] as const;

export function parseRaiseErasure(form: RaiseErasureForm): ParsedRaiseErasure {
  const errors: FieldError[] = [];
  const requestId = String(form.requestId ?? '');
  if (!isRequestId(requestId)) {
    errors.push({ field: 'scope', text: 'The form has expired. Start a new request.' });
  }
  const scopeKind = String(form.scope ?? '');
  let nhsNumber = '';
  if (scopeKind === 'patient') {
    const checked = nhsNumberOf(String(form.nhsNumber ?? ''), 'nhsNumber');
    if ('error' in checked) errors.push(checked.error);
    else nhsNumber = checked.nhsNumber;
  } else if (scopeKind !== 'organisation') {
    errors.push({ field: 'scope', text: 'Select what the request covers' });
  }
  const grounds = GROUNDS.find((g) => g === form.grounds);
  if (!grounds) {
    errors.push({ field: 'grounds', text: 'Select the grounds for erasure' });
  } else if (scopeKind === 'organisation' && grounds !== 'end-of-contract') {
    errors.push({
      field: 'grounds',
      text: 'The whole organisation can only be erased at the end of its contract',
    });
  } else if (scopeKind === 'patient' && grounds === 'end-of-contract') {
    errors.push({
      field: 'grounds',
      text: 'End of contract covers the whole organisation, not one patient',
    });
  }
  const justification = reasonOf(
    String(form.justification ?? ''),
    'justification',
    'Enter the justification, for example the court order reference',
  );
  if ('error' in justification) errors.push(justification.error);
  if (errors.length > 0 || !grounds || 'error' in justification) return { ok: false, errors };
  return {
    ok: true,
    request: {
      requestId: requestId.toLowerCase(),
      scope: scopeKind === 'patient' ? { kind: 'patient', nhsNumber } : { kind: 'organisation' },
      grounds,
      justification: justification.text,
    },
  };
}
