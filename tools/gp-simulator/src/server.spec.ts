import { FhirSystem, SyntheticGpSystem } from './nhs.ts';
import { handleFhirRequest } from './server.ts';

const gp = new SyntheticGpSystem();
const BASE = 'http://sim/fhir/R4';

function get(path: string, query: Record<string, string> = {}) {
  try {
    return handleFhirRequest(gp, BASE, path, new URLSearchParams(query));
  } catch (error) {
    return { status: (error as { status: number }).status, body: { error: String(error) } };
  }
}

function entries(body: Record<string, unknown>): Array<Record<string, unknown>> {
  return ((body.entry as Array<{ resource: Record<string, unknown> }>) ?? []).map(
    (e) => e.resource,
  );
}

describe('GP simulator FHIR API', () => {
  const ordinary = gp.scenario('A81001', 'ordinary');
  const movedAway = gp.scenario('A81001', 'moved-away');

  it('finds a patient by NHS number, filtered by registered practice', () => {
    const identifier = `${FhirSystem.nhsNumber}|${ordinary.nhsNumber}`;
    expect(entries(get('/Patient', { identifier }).body)).toHaveLength(1);
    expect(
      entries(get('/Patient', { identifier, 'general-practitioner': 'A81002' }).body),
    ).toHaveLength(0);
    const moved = `${FhirSystem.nhsNumber}|${movedAway.nhsNumber}`;
    expect(
      entries(get('/Patient', { identifier: moved, 'general-practitioner': 'A81001' }).body),
    ).toHaveLength(0);
    expect(
      entries(get('/Patient', { identifier: moved, 'general-practitioner': 'A81002' }).body),
    ).toHaveLength(1);
  });

  it('searches by family name (starts with, any case) and date of birth', () => {
    const found = get('/Patient', {
      family: ordinary.family.slice(0, 2).toUpperCase(),
      birthdate: `eq${ordinary.birthDate}`,
    });
    expect(entries(found.body).map((r) => r.id)).toContain(ordinary.id);
    const other = get('/Patient', { family: ordinary.family, birthdate: '1899-01-01' });
    expect(entries(other.body)).toEqual([]);
  });

  it.each([
    ['an unknown parameter', { family: 'Smith', birthdate: '1980-01-01', colour: 'red' }],
    ['a search without criteria', {}],
    ['a family name alone', { family: 'Smith' }],
    ['an unsupported date prefix', { family: 'Smith', birthdate: 'gt1980-01-01' }],
    ['another identifier system', { identifier: 'https://example.org|1' }],
    ['a bad _count', { identifier: `${FhirSystem.nhsNumber}|1`, _count: '0' }],
  ])('refuses %s with 400', (_why, query) => {
    expect(get('/Patient', query).status).toBe(400);
  });

  it('answers PractitionerRole searches for active and former users', () => {
    const users = gp.practitioners.filter((p) => p.practice === 'A81001');
    const active = users.find((u) => u.active);
    const leaver = users.find((u) => !u.active);
    const search = (userId: string, extra: Record<string, string> = {}) =>
      entries(
        get('/PractitionerRole', {
          'organization.identifier': `${FhirSystem.odsOrganisationCode}|A81001`,
          'practitioner.identifier': `${FhirSystem.emisWebUserId}|${userId}`,
          ...extra,
        }).body,
      );
    expect(search(active?.userId ?? '', { active: 'true' })).toHaveLength(1);
    expect(search(leaver?.userId ?? '', { active: 'true' })).toHaveLength(0);
    expect(search(leaver?.userId ?? '')).toEqual([expect.objectContaining({ active: false })]);
  });

  it('reads a patient by id and 404s an unknown one', () => {
    expect(get(`/Patient/${ordinary.id}`).body).toMatchObject({ resourceType: 'Patient' });
    expect(get('/Patient/nobody').status).toBe(404);
    expect(get('/Observation').status).toBe(404);
  });
});
