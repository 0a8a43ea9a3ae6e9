import { checkContent } from './content-checks';

describe('checkContent', () => {
  it('warns about test results and diagnoses', () => {
    expect(checkContent('Your blood test results are back').map((w) => w.kind)).toEqual([
      'sensitive',
    ]);
    expect(checkContent('Regarding your HIV clinic').map((w) => w.reason)).toEqual([
      'mentions a diagnosis or sensitive condition',
    ]);
  });

  it('warns about urgency', () => {
    expect(checkContent('Please call us URGENTLY').map((w) => w.kind)).toEqual(['urgent']);
  });

  it('flags abusive language, also disguised with look-alike characters', () => {
    expect(checkContent('you are an id10t').map((w) => w.kind)).toEqual(['abusive']);
    expect(checkContent('ＳＴＵＰＩＤ').map((w) => w.kind)).toEqual(['abusive']);
  });

  it('matches whole words only', () => {
    expect(checkContent('Please bring your pastis recipe')).toEqual([]);
    expect(checkContent('Your appointment is on Monday at 10:30')).toEqual([]);
  });
});
