import { callerOf, type Caller, type CallerResolver } from '@cairn/platform';
import { contextWithCaller } from '@cairn/auth/testing';
import {
  MediaCallerResolver,
  parseServiceTokens,
  requireService,
  serviceTokenHash,
} from './service-caller';

const TOKEN = 'a-service-token-of-at-least-32-characters-long';
const staffResolver: CallerResolver = {
  resolve: (): Caller => ({
    kind: 'authenticated',
    subject: 'staff-1',
    claims: { service: 'gateway' },
  }),
};
const resolver = new MediaCallerResolver(
  staffResolver,
  parseServiceTokens([`gateway:${serviceTokenHash(TOKEN)}`]),
);
const call = (authorization: string | undefined) => ({ authorization, procedure: 'x/y' });

describe('service callers', () => {
  it('recognises the gateway by its token', async () => {
    const caller = await resolver.resolve(call(`CairnService ${TOKEN}`));
    expect(requireService(contextWithCaller(caller))).toBe('gateway');
  });

  it('refuses a wrong or short token as unauthenticated', () => {
    expect(() => resolver.resolve(call(`CairnService ${TOKEN}x`))).toThrow(
      /invalid service credential/,
    );
    expect(() => resolver.resolve(call('CairnService short'))).toThrow(
      /invalid service credential/,
    );
  });

  it('hands Bearer tokens to the staff resolver, whose claims never make a service', async () => {
    // Even claims that look like a service's (here { service: 'gateway' }) do not count.
    const caller = await resolver.resolve(call('Bearer abc'));
    expect(caller.kind).toBe('authenticated');
    expect(() => requireService(contextWithCaller(caller))).toThrow(/only the gateway/);
    expect(callerOf(contextWithCaller(caller))).toBe(caller);
  });
});
