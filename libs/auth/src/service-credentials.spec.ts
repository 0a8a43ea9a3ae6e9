import { callerOf, type Caller, type CallerResolver } from '@cairn/platform';
import { contextWithCaller } from './testing';
import {
  isServiceCredentialEntry,
  parseServiceCredentials,
  serviceAuthorization,
  serviceCallerOf,
  ServiceCredentialResolver,
  serviceCredentialHash,
} from './service-credentials';

const TOKEN = 'a-service-token-of-at-least-32-characters-long';
const OTHER = 'another-service-token-of-32-characters-or-more';
const staffResolver: CallerResolver = {
  // Claims that look like a service's must not count as one.
  resolve: (): Caller => ({
    kind: 'authenticated',
    subject: 'staff-1',
    claims: { service: 'gateway' },
  }),
};
const resolver = new ServiceCredentialResolver(
  staffResolver,
  parseServiceCredentials([
    `gateway:${serviceCredentialHash(TOKEN)}`,
    `messaging:${serviceCredentialHash(OTHER)}`,
  ]),
);
const call = (authorization: string | undefined) => ({ authorization, procedure: 'x/y' });

describe('service credentials', () => {
  it('recognises each service by its own token', async () => {
    const gateway = await resolver.resolve(call(serviceAuthorization(TOKEN)));
    expect(serviceCallerOf(contextWithCaller(gateway))).toBe('gateway');
    const messaging = await resolver.resolve(call(serviceAuthorization(OTHER)));
    expect(serviceCallerOf(contextWithCaller(messaging))).toBe('messaging');
  });

  it('refuses a wrong or short token as unauthenticated', () => {
    expect(() => resolver.resolve(call(serviceAuthorization(`${TOKEN}x`)))).toThrow(
      /invalid service credential/,
    );
    expect(() => resolver.resolve(call('CairnService short'))).toThrow(
      /invalid service credential/,
    );
  });

  it('hands Bearer tokens to the staff resolver, whose claims never make a service', async () => {
    const caller = await resolver.resolve(call('Bearer abc'));
    expect(caller.kind).toBe('authenticated');
    expect(serviceCallerOf(contextWithCaller(caller))).toBeUndefined();
    expect(callerOf(contextWithCaller(caller))).toBe(caller);
  });

  it('checks configuration entries', () => {
    expect(isServiceCredentialEntry(`gateway:${serviceCredentialHash(TOKEN)}`)).toBe(true);
    expect(isServiceCredentialEntry('gateway:abc')).toBe(false);
    expect(isServiceCredentialEntry(`Gateway:${serviceCredentialHash(TOKEN)}`)).toBe(false);
    expect(() => parseServiceCredentials(['nonsense'])).toThrow(/service credential entry/);
  });
});
