import { linkState } from './patient-link';

const NOW = new Date('2026-06-01T12:00:00Z');
const open = {
  kind: 'response-request' as const,
  expiresAt: new Date('2026-06-08T12:00:00Z'),
};

describe('linkState', () => {
  it('is open inside the window with attempts left', () => {
    expect(linkState(open, 4, 5, NOW)).toBe('open');
  });

  it('locks at the attempt limit or once locked', () => {
    expect(linkState(open, 5, 5, NOW)).toBe('locked');
    expect(linkState({ ...open, lockedAt: NOW }, 0, 5, NOW)).toBe('locked');
  });

  it('expires at the end of the window', () => {
    expect(linkState(open, 0, 5, new Date('2026-06-08T12:00:00Z'))).toBe('expired');
  });

  it('allows one response, but a document link many reads', () => {
    const response = { text: '', photos: [], submittedAt: NOW };
    expect(linkState({ ...open, response }, 0, 5, NOW)).toBe('used');
    expect(linkState({ ...open, deleted: { by: 's', at: NOW, reason: 'r' } }, 0, 5, NOW)).toBe(
      'used',
    );
    expect(linkState({ ...open, kind: 'document', response }, 0, 5, NOW)).toBe('open');
  });
});
