import { compose, validLinkUrl } from './compose';

describe('compose', () => {
  it('puts the link on its own line and counts it in the segments', () => {
    const composed = compose(
      { kind: 'body', body: 'Please send a photo' },
      { kind: 'response-request', url: 'https://r.example/abc' },
      6,
    );
    expect(composed.text).toBe('Please send a photo\n\nhttps://r.example/abc');
    expect(composed.segments.characters).toBe(composed.text.length);
    expect(composed.problems).toEqual([]);
  });

  it('refuses text over the maximum number of segments', () => {
    const composed = compose({ kind: 'body', body: 'a'.repeat(161) }, undefined, 1);
    expect(composed.problems[0]).toMatch(/too long: 2 segments/);
  });

  it('refuses an empty message', () => {
    expect(compose({ kind: 'body', body: '  \n ' }, undefined, 6).problems).toEqual([
      'the message is empty',
    ]);
  });

  it('checks only the sender words, not the link', () => {
    const composed = compose(
      { kind: 'body', body: 'Hello' },
      { kind: 'document', url: 'https://d.example/urgent' },
      6,
    );
    expect(composed.warnings).toEqual([]);
  });

  it('accepts only https links without credentials', () => {
    expect(validLinkUrl('https://r.example/x')).toBe('https://r.example/x');
    expect(validLinkUrl('http://r.example/x')).toBeUndefined();
    // Plain http only to a developer's own machine; a look-alike host is still refused.
    expect(validLinkUrl('http://127.0.0.1:3000/r/abc')).toBe('http://127.0.0.1:3000/r/abc');
    expect(validLinkUrl('http://localhost:3000/r/abc')).toBe('http://localhost:3000/r/abc');
    expect(validLinkUrl('http://127.0.0.1.example.com/r/abc')).toBeUndefined();
    expect(validLinkUrl('http://localhost.example.com/r/abc')).toBeUndefined();
    expect(validLinkUrl('https://user:pw@r.example/x')).toBeUndefined();
    expect(validLinkUrl('javascript:alert(1)')).toBeUndefined();
    expect(validLinkUrl('https://r.example/a b')).toBeUndefined();
  });
});
