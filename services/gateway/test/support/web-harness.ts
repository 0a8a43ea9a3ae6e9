// The gateway's HTTP app in process on a loopback port, over a core with fake services.
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createLogger } from '@cairn/platform';
import { PatientRefs } from '../../src/domain/patient-ref';
import { TestTokenIssuer } from '@cairn/auth/testing';
import { apiRoutes } from '../../src/web/api.routes';
import { createHttpApp } from '../../src/web/http-app';
import { WebOptions } from '../../src/web/web-options';
import { startCore, type CoreHarness } from './core-harness';

export interface WebHarness extends CoreHarness {
  app: INestApplication;
  baseUrl: string;
  tokens: TestTokenIssuer;
}

export async function startWeb(extra: Partial<{ rateLimit: number }> = {}): Promise<WebHarness> {
  const core = await startCore();
  const web = new WebOptions(
    true,
    'test-csrf-secret-0123456789abcdef',
    'Cairn',
    'https://cairn.example/privacy',
    core.core.settings.maxFiles,
    core.core.settings.maxFileBytes,
    core.core.settings.patientSessionTtlMs,
    extra.rateLimit ?? 1000,
  );
  const tokens = await TestTokenIssuer.create();
  const logger = createLogger({ service: 'gateway', level: 'silent' });
  const app = await createHttpApp({
    core: core.core,
    web,
    logger,
    apiRoutes: apiRoutes(core.core, tokens.verifier(), logger),
    patientRefs: new PatientRefs(Buffer.alloc(32, 7)),
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    ...core,
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    tokens,
    close: async () => {
      await app.close();
      await core.close();
    },
  };
}
