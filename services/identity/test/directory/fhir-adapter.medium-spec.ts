// The FHIR adapter over real HTTP against the GP simulator process (the same FHIR API a GP system
// or PDS serves): every synthetic patient reads exactly as the in-process simulated adapter reads
// it, the scenarios messaging depends on come out right, and a slow, absent or broken server
// gives a safe Unavailable instead of a hang or a leak.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { normaliseNhsNumber, normaliseUkMobile, type NhsNumber, type OdsCode } from '@cairn/nhs';
import {
  DirectoryErrorCode,
  FhirClinicalSystem,
  SimulatedClinicalSystem,
  type Patient,
} from '../../src/directory';
import { startGpSimulatorProcess, type GpSimulatorProcess } from './support/gp-simulator-process';

const A = 'A81001' as OdsCode;
const B = 'A81002' as OdsCode;

function nhs(value: string): NhsNumber {
  const n = normaliseNhsNumber(value);
  if (!n) throw new Error('test data has an invalid NHS number');
  return n;
}

async function failure(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the call to fail');
}

describe('FHIR clinical system against the GP simulator over HTTP', () => {
  let simulator: GpSimulatorProcess;
  let fhir: FhirClinicalSystem;
  const simulated = new SimulatedClinicalSystem();
  const data = simulated.data;

  beforeAll(async () => {
    simulator = await startGpSimulatorProcess();
    fhir = new FhirClinicalSystem({
      baseUrl: simulator.baseUrl,
      timeoutMs: 5_000,
      allowDramaNumbers: true,
    });
  });

  afterAll(async () => {
    await simulator?.stop();
  });

  it('reads every synthetic patient exactly as the in-process simulated GP system does', async () => {
    let compared = 0;
    for (const p of data.patients) {
      const number = normaliseNhsNumber(p.nhsNumber);
      if (!number) continue; // the invalid-number records cannot be asked for
      const ods = p.registeredAt as OdsCode;
      const overHttp = await fhir.findPatient(ods, number);
      expect(overHttp).toBeDefined();
      expect(overHttp).toEqual(await simulated.findPatient(ods, number));
      compared++;
    }
    expect(compared).toBe(data.patients.length - data.practices.length);
  });

  describe('scenarios', () => {
    const find = async (scenario: Parameters<typeof data.scenario>[1]): Promise<Patient> => {
      const p = data.scenario(A, scenario);
      const patient = await fhir.findPatient(A, nhs(p.nhsNumber));
      if (!patient) throw new Error(`${scenario} patient not found`);
      return patient;
    };

    it('an ordinary patient can be messaged', async () => {
      const p = data.scenario(A, 'ordinary');
      const patient = await find('ordinary');
      expect(patient).toMatchObject({
        nhsNumber: p.nhsNumber,
        name: { given: p.given, family: p.family },
        birthDate: p.birthDate,
        gender: p.gender,
        registeredOdsCode: A,
        death: null,
        smsBlockers: [],
      });
      expect(patient.mobile).toEqual({
        status: 'valid',
        e164: normaliseUkMobile(p.mobile ?? '', { allowDramaNumbers: true }),
      });
    });

    it('deaths: formal and informal are deceased, a withdrawn notice is alive', async () => {
      const formal = await find('deceased-formal');
      expect(formal.death).toEqual({
        dateTime: data.scenario(A, 'deceased-formal').death?.dateTime,
        notification: 'formal',
      });
      expect(formal.smsBlockers).toContain('deceased');
      expect((await find('deceased-informal')).death?.notification).toBe('informal');
      const removed = await find('death-removed');
      expect(removed.death).toBeNull();
      expect(removed.smsBlockers).not.toContain('deceased');
    });

    it('SMS consent: the latest code wins either way', async () => {
      const dissent = await find('sms-dissent');
      expect(dissent.smsConsent).toBe('declined');
      expect(dissent.smsBlockers).toEqual(['dissent']);
      const consent = await find('sms-consent');
      expect(consent.smsConsent).toBe('given');
      expect(consent.smsBlockers).toEqual([]);
      // Its ended old mobile is listed first: the current one is read.
      expect(consent.mobile).toEqual({
        status: 'valid',
        e164: normaliseUkMobile(data.scenario(A, 'sms-consent').mobile ?? '', {
          allowDramaNumbers: true,
        }),
      });
    });

    it('no mobile, an impossible mobile and a landline in the mobile field are told apart', async () => {
      expect(await find('no-mobile')).toMatchObject({
        mobile: { status: 'absent' },
        smsBlockers: ['no-mobile'],
      });
      expect(await find('invalid-mobile')).toMatchObject({
        mobile: { status: 'invalid' },
        smsBlockers: ['invalid-mobile'],
      });
      expect(await find('landline-as-mobile')).toMatchObject({
        mobile: { status: 'not-mobile' },
        smsBlockers: ['invalid-mobile'],
      });
    });

    it('a patient who moved away is found only at the new practice', async () => {
      const p = data.scenario(A, 'moved-away');
      await expect(fhir.findPatient(A, nhs(p.nhsNumber))).resolves.toBeUndefined();
      await expect(fhir.findPatient(B, nhs(p.nhsNumber))).resolves.toMatchObject({
        registeredOdsCode: B,
      });
    });

    it("another practice's patient is not found", async () => {
      const other = data.scenario(B, 'ordinary');
      await expect(fhir.findPatient(A, nhs(other.nhsNumber))).resolves.toBeUndefined();
    });

    it('a record with an invalid NHS number never comes back from a search', async () => {
      const p = data.scenario(A, 'invalid-nhs-number');
      // The simulator does send it…
      const raw = await fetch(
        `${simulator.baseUrl}/Patient?family=${encodeURIComponent(p.family)}&birthdate=${p.birthDate}`,
      );
      expect(JSON.stringify(await raw.json())).toContain(p.nhsNumber);
      // …and the adapter leaves it out.
      const result = await fhir.searchPatients(A, { family: p.family, birthDate: p.birthDate });
      expect(result.patients.map((x) => x.name.family)).not.toContain(p.family);
    });

    it('searches by family name and date of birth at the organisation only', async () => {
      const p = data.scenario(A, 'sms-dissent');
      const result = await fhir.searchPatients(A, {
        family: p.family.slice(0, 3).toLowerCase(),
        birthDate: p.birthDate,
      });
      expect(result.patients.map((x) => x.nhsNumber)).toContain(p.nhsNumber);
      expect(result.patients.every((x) => x.registeredOdsCode === A)).toBe(true);
      expect(result.truncated).toBe(false);
      const elsewhere = await fhir.searchPatients(B, { family: p.family, birthDate: p.birthDate });
      expect(elsewhere.patients.map((x) => x.nhsNumber)).not.toContain(p.nhsNumber);
    });
  });

  describe('clinical-system users', () => {
    const usersOf = (ods: string) => data.practitioners.filter((u) => u.practice === ods);

    it('an active EMIS Web user of the practice exists; a leaver does not', async () => {
      const [active] = usersOf(A).filter((u) => u.active);
      const leaver = usersOf(A).find((u) => !u.active);
      await expect(fhir.userExists(A, 'emis', active?.userId ?? '')).resolves.toBe(true);
      await expect(fhir.userExists(A, 'emis', leaver?.userId ?? '')).resolves.toBe(false);
    });

    it('a user exists only at their own practice and on their own system', async () => {
      const emisUser = usersOf(A).find((u) => u.active)?.userId ?? '';
      const systmOneUser = usersOf(B).find((u) => u.active)?.userId ?? '';
      await expect(fhir.userExists(B, 'emis', emisUser)).resolves.toBe(false);
      await expect(fhir.userExists(A, 'systmone', emisUser)).resolves.toBe(false);
      await expect(fhir.userExists(B, 'systmone', systmOneUser)).resolves.toBe(true);
      await expect(fhir.userExists(A, 'emis', 'EMIS000000')).resolves.toBe(false);
    });
  });

  it('without the drama-range allowance (production), synthetic mobiles are not valid', async () => {
    const strict = new FhirClinicalSystem({ baseUrl: simulator.baseUrl, timeoutMs: 5_000 });
    const patient = await strict.findPatient(A, nhs(data.scenario(A, 'ordinary').nhsNumber));
    expect(patient?.mobile).toEqual({ status: 'invalid' });
  });

  describe('a server that is slow, absent or broken', () => {
    const ordinary = () => nhs(data.scenario(A, 'ordinary').nhsNumber);

    it('times out against a slow simulator', async () => {
      const slow = await startGpSimulatorProcess(['--delay-ms', '2000']);
      try {
        const client = new FhirClinicalSystem({ baseUrl: slow.baseUrl, timeoutMs: 200 });
        const started = Date.now();
        const error = await failure(client.findPatient(A, ordinary()));
        expect(error.code).toBe(DirectoryErrorCode.ClinicalSystemUnavailable);
        expect(error.message).toMatch(/did not answer in time/);
        expect(Date.now() - started).toBeLessThan(1_500);
      } finally {
        await slow.stop();
      }
    });

    it('is unavailable when nothing listens', async () => {
      const port = await closedPort();
      const client = new FhirClinicalSystem({
        baseUrl: `http://127.0.0.1:${port}/fhir/R4`,
        timeoutMs: 2_000,
      });
      const error = await failure(client.findPatient(A, ordinary()));
      expect(error.code).toBe(DirectoryErrorCode.ClinicalSystemUnavailable);
    });

    it.each([
      [500, 'application/fhir+json', '{}', DirectoryErrorCode.ClinicalSystemUnavailable],
      [200, 'text/html', '<html>login</html>', DirectoryErrorCode.ClinicalSystemBadResponse],
      [
        200,
        'application/fhir+json',
        '{"resourceType":"Bun',
        DirectoryErrorCode.ClinicalSystemBadResponse,
      ],
      [
        200,
        'application/fhir+json',
        '{"resourceType":"Patient"}',
        DirectoryErrorCode.ClinicalSystemBadResponse,
      ],
    ])('refuses an answer %i %s %s', async (status, type, body, code) => {
      const server = await serve(status, type, body);
      try {
        const { port } = server.address() as AddressInfo;
        const client = new FhirClinicalSystem({
          baseUrl: `http://127.0.0.1:${port}/fhir/R4`,
          timeoutMs: 2_000,
        });
        const error = await failure(client.findPatient(A, ordinary()));
        expect(error.code).toBe(code);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
});

async function serve(status: number, type: string, body: string): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
