import { deathState } from './death-state';

describe('death state', () => {
  it('is the same for the same status and date', () => {
    expect(deathState({ notification: 'formal', dateTime: '2024-05-01' })).toBe(
      deathState({ notification: 'formal', dateTime: '2024-05-01' }),
    );
  });

  it('changes with the status, the date, or a date appearing', () => {
    const states = new Set([
      deathState({ notification: 'informal', dateTime: '2024-05-01' }),
      deathState({ notification: 'formal', dateTime: '2024-05-01' }),
      deathState({ notification: 'unspecified', dateTime: '2024-05-01' }),
      deathState({ notification: 'formal', dateTime: '2024-05-02' }),
      deathState({ notification: 'formal', dateTime: null }),
      deathState({ notification: 'formal', dateTime: '2024-05' }),
    ]);
    expect(states.size).toBe(6);
  });

  it('does not hold the date in readable form', () => {
    const state = deathState({ notification: 'formal', dateTime: '2024-05-01' });
    expect(state).toMatch(/^[0-9a-f]{32}$/);
    expect(state).not.toContain('2024');
  });
});
