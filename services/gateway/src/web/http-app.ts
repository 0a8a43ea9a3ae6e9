// The public HTTP server: Express under Nest (platform-express), nunjucks with the NHS design
// system's macros, helmet with a strict nonce-based CSP, double-submit CSRF, body size limits,
// rate limits, static assets of nhsuk-frontend, and the page and API controllers.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Module, type INestApplication } from '@nestjs/common';
import type { ConnectRouter } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import nunjucks from 'nunjucks';
import type { Logger } from '@cairn/platform';
import { GatewayCore } from '../gateway-core';
import { Csrf } from './csrf';
import { HttpErrorFilter } from './http-errors';
import { PageRenderer } from './page-renderer';
import { StaffPage } from './staff-page';
import { PatientPagesController } from './patient-pages.controller';
import { StaffPagesController } from './staff-pages.controller';
import { AuditorPagesController } from './auditor-pages.controller';
import { RetentionPagesController } from './retention-pages.controller';
import { SubjectAccessPagesController } from './subject-access-pages.controller';
import { RegistrationPagesController } from './registration-pages.controller';
import { RegisterStaffUseCase } from '../usecases/register-staff/register-staff.usecase';
import { AuditConsole } from '../usecases/audit-shared/audit-console';
import { PatientRefs } from '../domain/patient-ref';
import { WebOptions } from './web-options';

const NHSUK_DIST = join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist');
const VIEWS = join(__dirname, 'views');
const STATIC = join(__dirname, 'static');

export interface HttpAppOptions {
  readonly core: GatewayCore;
  readonly web: WebOptions;
  readonly logger: Logger;
  /** Seals NHS numbers into the opaque references staff page addresses use. */
  readonly patientRefs: PatientRefs;
  /** The Connect API's routes, served under /api (api.routes.ts). */
  readonly apiRoutes?: (router: ConnectRouter) => void;
  /** The auditor console's use cases (/staff/audit); absent when no ledger is configured. */
  readonly audit?: AuditConsole;
  /** Staff self-registration through identity (/staff/register); absent in tests with fakes. */
  readonly registration?: RegisterStaffUseCase;
}

@Module({})
class WebModule {}

export async function createHttpApp(options: HttpAppOptions): Promise<INestApplication> {
  const server = express();
  server.disable('x-powered-by');
  const views = nunjucks.configure([VIEWS, NHSUK_DIST], {
    autoescape: true,
    throwOnUndefined: false,
    noCache: false,
    express: server,
  });
  views.addFilter('date', (value: unknown) =>
    value
      ? new Date(value as string).toLocaleString('en-GB', {
          dateStyle: 'medium',
          timeStyle: 'short',
          timeZone: 'Europe/London',
        })
      : '',
  );
  server.set('view engine', 'njk');

  // A fresh nonce per response for the design system's one inline script.
  server.use((_req: Request, res: Response, next: NextFunction) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  });
  server.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          // nhsuk-frontend's CSS loads the Frutiger web font from the NHS's own asset host.
          fontSrc: ["'self'", 'https://assets.nhs.uk'],
          connectSrc: ["'self'"],
          manifestSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      frameguard: { action: 'deny' },
      // Link tokens are in /r/… paths: never send them on as a Referer.
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginEmbedderPolicy: false,
    }),
  );
  server.use('/assets', express.static(join(NHSUK_DIST, 'nhsuk', 'assets'), { maxAge: '1h' }));
  server.get('/static/nhsuk-frontend.min.css', (_req, res) =>
    res.sendFile(join(NHSUK_DIST, 'nhsuk', 'nhsuk-frontend.min.css'), { maxAge: '1h' }),
  );
  server.get('/static/nhsuk-frontend.min.js', (_req, res) =>
    res.sendFile(join(NHSUK_DIST, 'nhsuk', 'nhsuk-frontend.min.js'), { maxAge: '1h' }),
  );
  server.get('/static/init.js', (_req, res) =>
    res.sendFile(join(STATIC, 'init.js'), { maxAge: '1h' }),
  );

  // Per client address and replica (an in-memory store): a shared store is the next step for
  // many replicas; the link's own attempt counter is shared already.
  const patientLimiter = rateLimit({
    windowMs: 60_000,
    limit: options.web.patientRateLimit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
  });
  server.use(['/r', '/d', '/respond'], patientLimiter);
  // Sign-in attempts per address (identity also locks an account after repeated failures).
  server.use(
    '/staff/sign-in',
    rateLimit({ windowMs: 60_000, limit: 20, standardHeaders: 'draft-8', legacyHeaders: false }),
  );

  if (options.apiRoutes) {
    const api = connectNodeAdapter({ routes: options.apiRoutes, requestPathPrefix: '/api' });
    const apiLimiter = rateLimit({
      windowMs: 60_000,
      limit: options.web.apiRateLimit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
    });
    server.use('/api', apiLimiter, (req: Request, res: Response) => {
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > 64 * 1024) {
        res.status(413).json({ code: 'resource_exhausted', message: 'request too large' });
        return;
      }
      req.url = req.originalUrl;
      api(req, res);
    });
  }
  server.use(cookieParser());
  server.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));

  const csrf = new Csrf(options.web.csrfSecret, options.web.cookieSecure);
  server.use(csrf.utilities.doubleCsrfProtection);
  const pages = new PageRenderer(csrf, options.web);

  const app = await NestFactory.create(
    {
      module: WebModule,
      controllers: [
        PatientPagesController,
        StaffPagesController,
        ...(options.audit ? [AuditorPagesController] : []),
        // Always mounted: without retention (RETENTION_URL) its pages say it is not configured.
        RetentionPagesController,
        SubjectAccessPagesController,
        ...(options.registration ? [RegistrationPagesController] : []),
      ],
      providers: [
        { provide: GatewayCore, useValue: options.core },
        { provide: WebOptions, useValue: options.web },
        { provide: Csrf, useValue: csrf },
        { provide: PageRenderer, useValue: pages },
        { provide: StaffPage, useValue: new StaffPage(options.core.staffSessions, pages) },
        { provide: PatientRefs, useValue: options.patientRefs },
        ...(options.audit ? [{ provide: AuditConsole, useValue: options.audit }] : []),
        ...(options.registration
          ? [{ provide: RegisterStaffUseCase, useValue: options.registration }]
          : []),
      ],
    },
    new ExpressAdapter(server),
    { bodyParser: false, logger: false },
  );
  app.useGlobalFilters(new HttpErrorFilter(options.logger, pages));
  // Unknown paths: the same NHS "page not found" page (or Connect's not_found for the API).
  await app.init();
  server.use((req: Request, res: Response) => {
    if (req.path.startsWith('/api/')) {
      res.status(404).json({ code: 'not_found', message: 'Not found' });
      return;
    }
    pages.render(
      req,
      res,
      'error.njk',
      { title: 'Page not found', heading: 'Page not found', message: 'Check the address.' },
      404,
    );
  });
  // CSRF and body-parser failures (http-errors) arrive here from Express middleware.
  const filter = new HttpErrorFilter(options.logger, pages);
  server.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    void next;
    filter.catch(error, {
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
    } as never);
  });
  return app;
}
