// FHIR R4 identifier systems, extensions and codes Cairn reads from PDS / GP-system shaped
// Patient, Practitioner and PractitionerRole resources. The clinical-system adapter and the GP
// simulator (tools/gp-simulator) both use these, so they agree on the wire.
//
// NHS and HL7 UK URLs are the published ones. The `fhir.cairn.example` URLs are Cairn's own:
// neither PDS nor GP Connect publishes SMS consent or EMIS Web / SystmOne user ids as FHIR, so a
// production integration agrees these with the supplier and changes them here, in one place.

export const FhirSystem = {
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  odsOrganisationCode: 'https://fhir.nhs.uk/Id/ods-organization-code',
  snomedCt: 'http://snomed.info/sct',
  deathNotificationStatus: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-DeathNotificationStatus',
  /** EMIS Web user id of a practitioner (Cairn-defined). */
  emisWebUserId: 'https://fhir.cairn.example/Id/emis-web-user-id',
  /** TPP SystmOne user id of a practitioner (Cairn-defined). */
  systmOneUserId: 'https://fhir.cairn.example/Id/systmone-user-id',
} as const;

export const FhirExtension = {
  /**
   * UK Core death notification status (as PDS returns it). Sub-extensions:
   * `deathNotificationStatus` (valueCodeableConcept, DeathNotificationCode) and
   * `systemEffectiveDate` (valueDateTime).
   */
  deathNotificationStatus:
    'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeathNotificationStatus',
  /**
   * Cairn-defined, repeating: one entry per SMS consent or dissent code in the GP record.
   * Sub-extensions: `code` (valueCodeableConcept, SNOMED CT, one of SmsConsentCode) and
   * `recorded` (valueDateTime, when the code was entered). The latest entry wins.
   */
  smsCommunicationConsent:
    'https://fhir.cairn.example/StructureDefinition/Extension-Cairn-SmsCommunicationConsent',
} as const;

/** UK Core DeathNotificationStatus codes. */
export const DeathNotificationCode = {
  /** Informal: notified by a local NHS organisation (GP, trust), before a death certificate. */
  informal: '1',
  /** Formal: registered by the Registrar of Deaths (via ONS). */
  formal: '2',
  /** Removed: a death recorded in error was withdrawn; the patient is not deceased. */
  removed: 'U',
} as const;

/**
 * SNOMED CT codes GP systems record for SMS consent (the codes EMIS Web and SystmOne practices
 * use; the test-result-only variants 911361000000104 / 911401000000108 do not cover general
 * messages and are ignored). Absence of both means no recorded preference.
 */
export const SmsConsentCode = {
  /** Consent given for communication by short message service text messaging. */
  consentGiven: '699237001',
  /** Declined consent for short message service text messaging. */
  consentDeclined: '513631000000106',
} as const;

export type SmsConsentCodeValue = (typeof SmsConsentCode)[keyof typeof SmsConsentCode];
