import { placeholdersOf, renderTemplate } from './template';

describe('templates', () => {
  it('lists placeholders case-insensitively, once each', () => {
    expect(placeholdersOf('Dear ((Name)), your ((date)) appointment. ((name))')).toEqual([
      'name',
      'date',
    ]);
  });

  it('renders values as plain text', () => {
    expect(
      renderTemplate('Dear ((name)), see you on ((date)).', { name: 'Ann', Date: 'Monday' }),
    ).toEqual({
      ok: true,
      text: 'Dear Ann, see you on Monday.',
    });
  });

  it('does not expand a placeholder that a value smuggles in', () => {
    const result = renderTemplate('Dear ((name)), code ((code))', {
      name: '((code))',
      code: '1234',
    });
    expect(result).toEqual({ ok: true, text: 'Dear ((code)), code 1234' });
  });

  it('collapses line breaks and control characters so a value cannot add lines', () => {
    const result = renderTemplate('Dear ((name))', {
      name: 'Ann\n\nhttps://evil.example/login\u0000\u202e',
    });
    expect(result).toEqual({ ok: true, text: 'Dear Ann https://evil.example/login' });
  });

  it('reports missing, blank and over-long values', () => {
    const result = renderTemplate('((a)) ((b)) ((c))', { a: 'x', b: '   ', c: 'y'.repeat(301) });
    expect(result).toEqual({ ok: false, missing: ['b'], tooLong: ['c'] });
  });
});
