// Callers of the vault. Staff: `authorization: Bearer <access token>`, verified by @cairn/auth.
// Services acting for a patient (the gateway): `authorization: CairnService <token>`, checked by
// @cairn/auth's ServiceCredentialResolver against MEDIA_SERVICE_TOKEN_SHA256. A service caller may
// upload and manage one named group, and read content only of documents sent to patients
// ("document:" groups); patients' own uploads only staff can read.
import { serviceCallerOf } from '@cairn/auth';
import type { HandlerContext } from '@connectrpc/connect';
import { MediaError, MediaErrorCode } from '../domain/media-error';

/** The calling service's name; only callers the service-credential resolver authenticated count. */
export function requireService(ctx: Pick<HandlerContext, 'values'>): string {
  const service = serviceCallerOf(ctx);
  if (service === undefined) {
    throw new MediaError(MediaErrorCode.ServiceRequired, 'only the gateway may do this');
  }
  return service;
}

export function isServiceCaller(ctx: Pick<HandlerContext, 'values'>): boolean {
  return serviceCallerOf(ctx) !== undefined;
}
