// Acceptable-use policy versions. The first version ships with the service and is published at
// start when no policy exists; platform administrators publish later ones.
import { IdentityError, IdentityErrorCode } from './identity-error';

/** As @cairn/auth accepts in the `aup` claim. */
const POLICY_VERSION = /^[A-Za-z0-9._-]{1,32}$/;

export function parsePolicyVersion(raw: string): string {
  const version = typeof raw === 'string' ? raw.trim() : '';
  if (!POLICY_VERSION.test(version)) {
    throw new IdentityError(
      IdentityErrorCode.InvalidArgument,
      'a policy version is 1 to 32 letters, digits, dots, dashes or underscores',
    );
  }
  return version;
}

export function parsePolicyText(raw: string): string {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text.length === 0 || text.length > 100_000) {
    throw new IdentityError(IdentityErrorCode.InvalidArgument, 'the policy text is required');
  }
  return text;
}

export const INITIAL_POLICY_VERSION = '1';

export const INITIAL_POLICY_TEXT = `Cairn acceptable-use policy, version 1

By using Cairn you agree that:
1. You use Cairn only for the care of patients registered at your organisation, in your role there.
2. You do not send messages that are clinically urgent or that contain sensitive information a
   patient would not expect in a text message; urgent matters go by telephone or in person.
3. You never ask patients for intimate images, and you tell them what will happen to what they send.
4. You keep your password and authenticator to yourself and sign out on shared computers.
5. Everything you do in Cairn is recorded in an audit trail your organisation can inspect.
6. You report a suspected misuse or data breach to your practice administrator at once.`;
