// What the web layer needs besides the use cases: cookie and page settings.
export class WebOptions {
  constructor(
    readonly cookieSecure: boolean,
    readonly csrfSecret: string,
    readonly operatorName: string,
    readonly privacyNoticeUrl: string,
    readonly maxFiles: number,
    readonly maxFileBytes: number,
    readonly patientSessionTtlMs: number,
    /** Requests per minute per client address on the patient link pages. */
    readonly patientRateLimit = 60,
    /** API requests per minute per client address. */
    readonly apiRateLimit = 600,
  ) {}
}

export const PATIENT_COOKIE = 'cairn_patient';
export const STAFF_COOKIE = 'cairn_staff';
export const CSRF_COOKIE = 'cairn_csrf';
