import { Code, ConnectError } from '@connectrpc/connect';
import { createLogger } from '@cairn/platform';
import { GatewayError, GatewayErrorCode } from '../domain/gateway-error';
import { connectErrorBody, mapError } from './http-errors';

const logged: unknown[] = [];
const logger = createLogger({ service: 'gateway', level: 'silent' });
logger.error = ((obj: unknown) => logged.push(obj)) as typeof logger.error;

describe('mapError', () => {
  it("maps kinds with Connect's table: not found is 404, never 400", () => {
    const cases: [GatewayErrorCode, number][] = [
      [GatewayErrorCode.ResponseNotFound, 404],
      [GatewayErrorCode.LinkUnavailable, 404],
      [GatewayErrorCode.ClinicalRoleRequired, 403],
      [GatewayErrorCode.SessionRequired, 401],
      [GatewayErrorCode.FileTooLarge, 429],
      [GatewayErrorCode.ReasonRequired, 400],
    ];
    for (const [code, status] of cases) {
      expect(mapError(new GatewayError(code, 'm'), logger).status).toBe(status);
    }
    expect(mapError(new ConnectError('gone', Code.NotFound), logger).status).toBe(404);
    expect(mapError(new ConnectError('down', Code.Unavailable), logger).status).toBe(503);
  });

  it('hides unexpected errors behind an error id, logged once without the message', () => {
    const mapped = mapError(new Error('patient 9434765919 broke it'), logger);
    expect(mapped.status).toBe(500);
    expect(mapped.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(mapped.message).toContain(mapped.errorId);
    expect(mapped.message).not.toContain('9434765919');
    expect(JSON.stringify(logged.at(-1))).not.toContain('9434765919');
    expect(connectErrorBody(mapped).code).toBe('internal');
  });
});
