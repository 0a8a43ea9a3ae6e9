import { parseClamdAddress, parseReply } from './clamd-scanner';

describe('clamd replies', () => {
  it('reads OK and FOUND', () => {
    expect(parseReply('stream: OK')).toEqual({ clean: true });
    expect(parseReply('stream: Cairn.Test.Sig FOUND')).toEqual({
      clean: false,
      signature: 'Cairn.Test.Sig',
    });
  });

  it('fails closed on an error reply rather than calling the file clean', () => {
    expect(() => parseReply('INSTREAM size limit exceeded. ERROR')).toThrow(/could not scan/);
  });

  it('parses unix and tcp addresses', () => {
    expect(parseClamdAddress('unix:/run/clamav/clamd.ctl')).toEqual({
      path: '/run/clamav/clamd.ctl',
    });
    expect(parseClamdAddress('tcp://127.0.0.1:3310')).toEqual({ host: '127.0.0.1', port: 3310 });
  });
});
