// Errors to HTTP with Connect's own code table (NotFound is 404, never 400). Pages render an
// NHS error page; the API answers Connect's JSON error shape. Unexpected errors are logged once
// (type and frames, never the message) with an error id the user sees.
import { randomUUID } from 'node:crypto';
import { Catch, type ArgumentsHost, type ExceptionFilter, HttpException } from '@nestjs/common';
import { Code, ConnectError } from '@connectrpc/connect';
import { codeToHttpStatus } from '@connectrpc/connect/protocol-connect';
import type { Request, Response } from 'express';
import type { PageRenderer } from './page-renderer';
import { describeUnexpected, DomainError, grpcCodeForKind, type Logger } from '@cairn/platform';

export interface MappedError {
  readonly status: number;
  readonly code: Code;
  readonly message: string;
  readonly errorId?: string;
  readonly domainCode?: string;
}

export function mapError(error: unknown, logger: Logger): MappedError {
  if (error instanceof DomainError) {
    const code = grpcCodeForKind(error.kind);
    return { status: codeToHttpStatus(code), code, message: error.message, domainCode: error.code };
  }
  if (error instanceof ConnectError) {
    // A downstream service's status: its message was made safe by that service.
    return { status: codeToHttpStatus(error.code), code: error.code, message: error.rawMessage };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status < 500) {
      return { status, code: codeForStatus(status), message: error.message };
    }
  }
  // http-errors from Express middleware: CSRF (403), body too large (413), bad body (400).
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message =
      status === 403
        ? 'The form has expired. Go back, refresh the page and try again.'
        : status === 413
          ? 'The request is too large'
          : 'The request could not be read';
    return { status, code: codeForStatus(status), message };
  }
  const errorId = randomUUID();
  logger.error({ errorId, ...describeUnexpected(error) }, 'unexpected error');
  return {
    status: 500,
    code: Code.Internal,
    message: `Something went wrong (error id ${errorId})`,
    errorId,
  };
}

function codeForStatus(status: number): Code {
  switch (status) {
    case 400:
      return Code.InvalidArgument;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.NotFound;
    case 413:
    case 429:
      return Code.ResourceExhausted;
    default:
      return Code.Unknown;
  }
}

const CONNECT_CODE_NAMES: Record<number, string> = {
  [Code.Canceled]: 'canceled',
  [Code.Unknown]: 'unknown',
  [Code.InvalidArgument]: 'invalid_argument',
  [Code.DeadlineExceeded]: 'deadline_exceeded',
  [Code.NotFound]: 'not_found',
  [Code.AlreadyExists]: 'already_exists',
  [Code.PermissionDenied]: 'permission_denied',
  [Code.ResourceExhausted]: 'resource_exhausted',
  [Code.FailedPrecondition]: 'failed_precondition',
  [Code.Aborted]: 'aborted',
  [Code.OutOfRange]: 'out_of_range',
  [Code.Unimplemented]: 'unimplemented',
  [Code.Internal]: 'internal',
  [Code.Unavailable]: 'unavailable',
  [Code.DataLoss]: 'data_loss',
  [Code.Unauthenticated]: 'unauthenticated',
};

export function connectErrorBody(mapped: MappedError) {
  return {
    code: CONNECT_CODE_NAMES[mapped.code] ?? 'unknown',
    message: mapped.message,
    ...(mapped.domainCode ? { details: [], cairnErrorCode: mapped.domainCode } : {}),
  };
}

const HEADINGS: Record<number, string> = {
  400: 'There is a problem',
  401: 'You need to sign in again',
  403: 'You cannot do this',
  404: 'Page not found',
  413: 'The file is too large',
  429: 'Too many requests',
  500: 'Sorry, there is a problem with the service',
  503: 'Sorry, the service is unavailable',
};

/** Catches everything thrown by page and API handlers. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly pages: PageRenderer,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const mapped = mapError(error, this.logger);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (req.path.startsWith('/api/')) {
      res.status(mapped.status).json(connectErrorBody(mapped));
      return;
    }
    const status = mapped.status;
    const heading = HEADINGS[status] ?? HEADINGS[500];
    this.pages.render(
      req,
      res,
      'error.njk',
      {
        title: heading,
        heading,
        message: status >= 500 ? 'Please try again later.' : mapped.message,
        errorId: mapped.errorId,
      },
      status,
    );
  }
}
