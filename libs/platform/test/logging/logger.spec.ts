import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logging';

const NHS_NUMBER = '9434765919';
const DOB = '1970-01-31';
const PHONE = '07700900123';
const MESSAGE = 'Please send a photo of the rash on your arm';

/** A logger writing to memory, and the lines it wrote so far. */
function capture(): { logger: Logger; output: () => string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ service: 'test', destination }), output: () => lines.join('') };
}

function expectNoPatientData(output: string): void {
  for (const value of [NHS_NUMBER, DOB, PHONE, MESSAGE]) expect(output).not.toContain(value);
}

describe('createLogger redaction', () => {
  it('censors patient fields at the top level and nested at any depth', () => {
    const { logger, output } = capture();
    logger.info({ nhsNumber: NHS_NUMBER }, 'top');
    logger.info({ patient: { dateOfBirth: DOB } }, 'one level');
    logger.info({ request: { patient: { phone: PHONE } } }, 'two levels');
    logger.info({ a: { b: { c: { d: { message: MESSAGE } } } } }, 'four levels');
    expectNoPatientData(output());
    expect(output().match(/\[redacted\]/g)).toHaveLength(4);
  });

  it('censors inside arrays', () => {
    const { logger, output } = capture();
    logger.info({ batch: [{ recipients: [{ phone: PHONE, nhsNumber: NHS_NUMBER }] }] }, 'batch');
    expectNoPatientData(output());
  });

  it('censors whatever the spelling of the field name', () => {
    const { logger, output } = capture();
    logger.info(
      { NHSNumber: NHS_NUMBER, date_of_birth: DOB, 'phone-number': PHONE, Message: MESSAGE },
      'spellings',
    );
    expectNoPatientData(output());
  });

  it('censors child and grandchild logger bindings', () => {
    const { logger, output } = capture();
    logger.child({ patient: { nhsNumber: NHS_NUMBER } }).info('child');
    logger
      .child({ requestId: 'r-1' })
      .child({ recipient: { phone: PHONE } })
      .info('grandchild');
    expectNoPatientData(output());
  });

  it('censors patient fields an error carries, e.g. a validation error', () => {
    const { logger, output } = capture();
    const error = Object.assign(new Error('validation failed'), {
      errors: { dob: { value: DOB }, phone: PHONE },
    });
    logger.error(
      { err: error, context: { cause: Object.assign(new Error('x'), { nhsNumber: NHS_NUMBER }) } },
      'failed',
    );
    expectNoPatientData(output());
    expect(JSON.parse(output()).err.type).toBe('Error');
  });

  it('keeps what is not patient data, and does not change the object logged', () => {
    const { logger, output } = capture();
    const logged = {
      requestId: 'r-1',
      count: 3,
      patient: { nhsNumber: NHS_NUMBER },
      at: new Date(0),
    };
    logger.info(logged, 'kept');
    const line = JSON.parse(output());
    expect(line).toMatchObject({
      service: 'test',
      requestId: 'r-1',
      count: 3,
      at: '1970-01-01T00:00:00.000Z',
      msg: 'kept',
    });
    expect(logged.patient.nhsNumber).toBe(NHS_NUMBER);
  });

  it('survives circular objects', () => {
    const { logger, output } = capture();
    const loop: Record<string, unknown> = { phone: PHONE };
    loop.self = loop;
    logger.info({ loop }, 'circular');
    expectNoPatientData(output());
    expect(JSON.parse(output()).loop.self).toBe('[circular]');
  });
});
