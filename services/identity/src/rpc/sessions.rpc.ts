import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { RpcService } from '@cairn/platform';
import {
  SecondFactorRequiredSchema,
  SessionService,
  SignInResponseSchema,
  TotpEnrolmentRequiredSchema,
  type CompleteOidcSignInRequest,
  type CompleteTotpEnrolmentRequest,
  type RefreshSessionRequest,
  type SignInRequest,
  type SignOutRequest,
  type StartTotpEnrolmentRequest,
} from '@cairn/contracts/cairn/identity/v1/sessions_pb';
import { CompleteOidcSignInUseCase } from '../usecases/complete-oidc-sign-in/complete-oidc-sign-in.usecase';
import { StartOidcSignInUseCase } from '../usecases/start-oidc-sign-in/start-oidc-sign-in.usecase';
import { CompleteTotpEnrolmentUseCase } from '../usecases/complete-totp-enrolment/complete-totp-enrolment.usecase';
import { RefreshSessionUseCase } from '../usecases/refresh-session/refresh-session.usecase';
import { SignInUseCase } from '../usecases/sign-in/sign-in.usecase';
import { SignOutUseCase } from '../usecases/sign-out/sign-out.usecase';
import { StartTotpEnrolmentUseCase } from '../usecases/start-totp-enrolment/start-totp-enrolment.usecase';
import { tokensToProto } from './mappers';

@RpcService(SessionService)
export class SessionsRpc implements ServiceImpl<typeof SessionService> {
  constructor(
    private readonly signInUseCase: SignInUseCase,
    private readonly startEnrolment: StartTotpEnrolmentUseCase,
    private readonly completeEnrolment: CompleteTotpEnrolmentUseCase,
    private readonly refresh: RefreshSessionUseCase,
    private readonly signOutUseCase: SignOutUseCase,
    private readonly startOidc: StartOidcSignInUseCase,
    private readonly completeOidc: CompleteOidcSignInUseCase,
  ) {}

  async signIn(req: SignInRequest) {
    const result = await this.signInUseCase.execute({
      email: req.email,
      password: req.password,
      totpCode: req.totpCode,
    });
    switch (result.kind) {
      case 'tokens':
        return create(SignInResponseSchema, {
          result: { case: 'tokens', value: tokensToProto(result.tokens) },
        });
      case 'second_factor_required':
        return create(SignInResponseSchema, {
          result: { case: 'secondFactorRequired', value: create(SecondFactorRequiredSchema) },
        });
      case 'totp_enrolment_required':
        return create(SignInResponseSchema, {
          result: {
            case: 'totpEnrolmentRequired',
            value: create(TotpEnrolmentRequiredSchema, {
              enrolmentTicket: result.ticket,
              expiresAt: timestampFromDate(result.expiresAt),
            }),
          },
        });
    }
  }

  async startTotpEnrolment(req: StartTotpEnrolmentRequest) {
    const { secret, uri } = await this.startEnrolment.execute({ ticket: req.enrolmentTicket });
    return { secret, otpauthUri: uri };
  }

  async completeTotpEnrolment(req: CompleteTotpEnrolmentRequest) {
    const tokens = await this.completeEnrolment.execute({
      ticket: req.enrolmentTicket,
      code: req.totpCode,
    });
    return { tokens: tokensToProto(tokens) };
  }

  async refreshSession(req: RefreshSessionRequest) {
    return {
      tokens: tokensToProto(await this.refresh.execute({ refreshToken: req.refreshToken })),
    };
  }

  async signOut(req: SignOutRequest) {
    await this.signOutUseCase.execute({ refreshToken: req.refreshToken });
    return {};
  }

  async startOidcSignIn() {
    const started = await this.startOidc.execute();
    return {
      authorizationUrl: started.authorizationUrl,
      state: started.state,
      expiresAt: timestampFromDate(started.expiresAt),
    };
  }

  async completeOidcSignIn(req: CompleteOidcSignInRequest) {
    const tokens = await this.completeOidc.execute({
      code: req.code,
      state: req.state,
      iss: req.iss,
    });
    return { tokens: tokensToProto(tokens) };
  }
}
