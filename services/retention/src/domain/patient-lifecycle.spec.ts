import { disposalState, patientKey, recordDeath } from './patient-lifecycle';
import { DEFAULT_RULES } from './retention-rules';

const base = {
  organisation: 'A81001',
  nhsNumber: '9990000018',
  dateTime: '2015-05',
  observedAt: new Date('2020-01-01T00:00:00Z'),
};

describe('patient lifecycle', () => {
  it('starts the clock on a formal death and is due exactly at the end of the period', () => {
    const p = recordDeath(null, { ...base, notification: 'formal' }, DEFAULT_RULES);
    expect(p.dueAt?.toISOString()).toBe('2025-06-01T00:00:00.000Z');
    expect(disposalState(p, new Date('2025-05-31T23:59:59.999Z'))).toBe('retained');
    expect(disposalState(p, new Date('2025-06-01T00:00:00.000Z'))).toBe('due');
  });

  it('does not start the clock on an informal death, and starts it when formal follows', () => {
    const informal = recordDeath(null, { ...base, notification: 'informal' }, DEFAULT_RULES);
    expect(informal.dueAt).toBeNull();
    expect(disposalState(informal, new Date('2099-01-01T00:00:00Z'))).toBe('awaiting-formal');
    const formal = recordDeath(informal, { ...base, notification: 'formal' }, DEFAULT_RULES);
    expect(formal.dueAt?.toISOString()).toBe('2025-06-01T00:00:00.000Z');
  });

  it('never lets a weaker notification replace a formal one, nor an earlier date move the clock back', () => {
    const formal = recordDeath(null, { ...base, notification: 'formal' }, DEFAULT_RULES);
    expect(recordDeath(formal, { ...base, notification: 'informal' }, DEFAULT_RULES)).toBe(formal);
    const earlier = recordDeath(
      formal,
      { ...base, dateTime: '2012', notification: 'formal' },
      DEFAULT_RULES,
    );
    expect(earlier.dueAt?.toISOString()).toBe('2025-06-01T00:00:00.000Z');
  });

  it('keys patients by an opaque id that is not the NHS number', () => {
    const key = patientKey('A81001', '9990000018');
    expect(key).not.toContain('9990000018');
    expect(key).toBe(patientKey('A81001', '9990000018'));
    expect(key).not.toBe(patientKey('A81002', '9990000018'));
  });
});
