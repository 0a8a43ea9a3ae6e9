// Staff access tokens for every Cairn service: verification (TokenVerifier), the RPC bridge's
// CallerResolver, authorization guards, session revocation. See README.md. Test helpers live
// in the separate `@cairn/auth/testing` entry point.
export * from './auth-error';
export * from './staff-claims';
export * from './key-source';
export * from './token-verifier';
export * from './session-revocations';
export * from './jwt-caller-resolver';
export * from './guards';
export * from './service-credentials';
