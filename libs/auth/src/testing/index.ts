// TEST ONLY: `@cairn/auth/testing`. Token issuance, a JWKS server and ready-made callers for
// services' tests. Production code imports `@cairn/auth` and never this entry point.
export * from './test-token-issuer';
export * from './jwks-server';
export * from './staff-caller';
