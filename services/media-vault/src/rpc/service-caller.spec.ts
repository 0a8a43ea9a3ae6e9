import type { Caller, CallerResolver } from '@cairn/platform';
import {
  parseServiceCredentials,
  serviceAuthorization,
  ServiceCredentialResolver,
  serviceCredentialHash,
} from '@cairn/auth';
import { contextWithCaller } from '@cairn/auth/testing';
import { isServiceCaller, requireService } from './service-caller';

const TOKEN = 'a-service-token-of-at-least-32-characters-long';
const staffResolver: CallerResolver = {
  resolve: (): Caller => ({
    kind: 'authenticated',
    subject: 'staff-1',
    claims: { service: 'gateway' },
  }),
};
const resolver = new ServiceCredentialResolver(
  staffResolver,
  parseServiceCredentials([`gateway:${serviceCredentialHash(TOKEN)}`]),
);
const call = (authorization: string) => ({ authorization, procedure: 'x/y' });

describe('vault service callers', () => {
  it('names the gateway when it presents its credential', async () => {
    const caller = await resolver.resolve(call(serviceAuthorization(TOKEN)));
    expect(requireService(contextWithCaller(caller))).toBe('gateway');
    expect(isServiceCaller(contextWithCaller(caller))).toBe(true);
  });

  it('refuses staff (even with service-looking claims) where only the gateway may act', async () => {
    const caller = await resolver.resolve(call('Bearer abc'));
    expect(isServiceCaller(contextWithCaller(caller))).toBe(false);
    expect(() => requireService(contextWithCaller(caller))).toThrow(/only the gateway/);
  });
});
