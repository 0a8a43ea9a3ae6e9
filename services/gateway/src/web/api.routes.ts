// The public Connect/JSON API (cairn.gateway.v1.PatientResponseService) under /api: the same use
// cases and authorisation as the clinician pages. Callers present identity's access token as a
// bearer token (no cookies, so no CSRF); errors use Connect's codes (NotFound → HTTP 404).
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import type { TokenVerifier } from '@cairn/auth';
import {
  InboxFilter,
  PatientResponseSchema,
  PatientResponseService,
  ResponseSummarySchema,
} from '@cairn/contracts/cairn/gateway/v1/gateway_pb';
import { toConnectError, describeUnexpected, type Logger } from '@cairn/platform';
import type { StaffContext } from '../domain/staff-context';
import type { GatewayCore } from '../gateway-core';
import type { InboxFilter as Filter } from '../repositories/patient-link.repository';

const FILTERS: Record<InboxFilter, Filter> = {
  [InboxFilter.UNSPECIFIED]: 'unread',
  [InboxFilter.UNREAD]: 'unread',
  [InboxFilter.READ]: 'read',
  [InboxFilter.ALL]: 'all',
};

export function apiRoutes(core: GatewayCore, verifier: TokenVerifier, logger: Logger) {
  async function caller(ctx: HandlerContext): Promise<StaffContext> {
    const header = ctx.requestHeader.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (!match) throw new ConnectError('a staff access token is required', Code.Unauthenticated);
    let claims;
    try {
      ({ claims } = await verifier.verify(match[1]));
    } catch (error) {
      throw toConnectError(error, (u) =>
        logger.error({ errorId: u.errorId }, 'token check failed'),
      );
    }
    if (!claims.org) throw new ConnectError('staff of an organisation only', Code.PermissionDenied);
    if (claims.aup === null) {
      throw new ConnectError('the acceptable use policy is not accepted', Code.PermissionDenied);
    }
    return { accessToken: match[1], staffId: claims.sub, odsCode: claims.org, roles: claims.roles };
  }

  function guarded<Req, Res>(handler: (req: Req, staff: StaffContext) => Promise<Res>) {
    return async (req: Req, ctx: HandlerContext): Promise<Res> => {
      try {
        return await handler(req, await caller(ctx));
      } catch (error) {
        throw toConnectError(error, ({ errorId, error: e }) =>
          logger.error({ errorId, ...describeUnexpected(e) }, 'unexpected API error'),
        );
      }
    };
  }

  return (router: ConnectRouter) =>
    router.service(PatientResponseService, {
      listResponses: guarded(async (req, staff) => ({
        responses: (await core.listInbox.execute(staff, FILTERS[req.filter] ?? 'unread')).map(
          (item) =>
            create(ResponseSummarySchema, {
              requestId: item.requestId,
              patientName: item.patientName,
              nhsNumber: item.nhsNumber,
              submittedAt: timestampFromDate(item.submittedAt),
              read: item.read,
              photoCount: item.photoCount,
              savedToRecord: item.savedToRecord,
            }),
        ),
      })),
      getResponse: guarded(async (req, staff) => {
        const link = await core.viewResponse.execute(staff, req.requestId);
        const response = link.response!;
        return {
          response: create(PatientResponseSchema, {
            requestId: link.requestId,
            patientName: link.patientName,
            nhsNumber: link.nhsNumber,
            requestMessage: link.message,
            text: response.text,
            photos: response.photos.map((photo) => ({
              mediaId: photo.mediaId,
              filename: photo.filename,
              contentType: photo.contentType,
              sizeBytes: BigInt(photo.sizeBytes),
              advice: [...photo.advice],
            })),
            submittedAt: timestampFromDate(response.submittedAt),
            recordReference: link.savedToRecord?.reference ?? '',
          }),
        };
      }),
      saveResponseToRecord: guarded(async (req, staff) => ({
        recordReference: (await core.saveToRecord.execute(staff, req.requestId)).reference,
      })),
      deleteResponse: guarded(async (req, staff) => {
        await core.deleteResponse.execute(staff, req.requestId, req.reason);
        return {};
      }),
      sendPatientMessage: guarded(async (req, staff) => {
        const result = await core.issueLink.execute(staff, {
          nhsNumber: req.nhsNumber,
          message: req.message,
          allowPhotoReply: req.allowPhotoReply,
          idempotencyKey: req.idempotencyKey,
        });
        return { messageId: result.message.id, requestId: result.requestId ?? '' };
      }),
    });
}
