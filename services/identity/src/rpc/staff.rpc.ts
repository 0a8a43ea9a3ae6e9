import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { RpcService } from '@cairn/platform';
import {
  StaffService,
  type ApproveStaffRequest,
  type ChangeStaffRolesRequest,
  type LinkOidcSubjectRequest,
  type RegisterRequest,
  type RejectStaffRequest,
  type ResendVerificationCodeRequest,
  type SuspendStaffRequest,
  type VerifyEmailRequest,
} from '@cairn/contracts/cairn/identity/v1/staff_pb';
import { clinicalSystemFromProto, statusToProto } from '../events/proto-enums';
import { ApproveStaffUseCase } from '../usecases/approve-staff/approve-staff.usecase';
import { ChangeStaffRolesUseCase } from '../usecases/change-staff-roles/change-staff-roles.usecase';
import { GetCurrentStaffUseCase } from '../usecases/get-current-staff/get-current-staff.usecase';
import { LinkOidcSubjectUseCase } from '../usecases/link-oidc-subject/link-oidc-subject.usecase';
import { ListPendingStaffUseCase } from '../usecases/list-pending-staff/list-pending-staff.usecase';
import { RegisterStaffUseCase } from '../usecases/register-staff/register-staff.usecase';
import { RejectStaffUseCase } from '../usecases/reject-staff/reject-staff.usecase';
import { ResendVerificationCodeUseCase } from '../usecases/resend-verification-code/resend-verification-code.usecase';
import { SuspendStaffUseCase } from '../usecases/suspend-staff/suspend-staff.usecase';
import { VerifyEmailUseCase } from '../usecases/verify-email/verify-email.usecase';
import { administratorActor, policyPendingActor, rolesFromProto, staffToProto } from './mappers';

@RpcService(StaffService)
export class StaffRpc implements ServiceImpl<typeof StaffService> {
  constructor(
    private readonly registerStaff: RegisterStaffUseCase,
    private readonly verifyEmailCode: VerifyEmailUseCase,
    private readonly resendCode: ResendVerificationCodeUseCase,
    private readonly currentStaff: GetCurrentStaffUseCase,
    private readonly pendingStaff: ListPendingStaffUseCase,
    private readonly approve: ApproveStaffUseCase,
    private readonly reject: RejectStaffUseCase,
    private readonly changeRoles: ChangeStaffRolesUseCase,
    private readonly suspend: SuspendStaffUseCase,
    private readonly linkOidc: LinkOidcSubjectUseCase,
  ) {}

  async register(req: RegisterRequest) {
    const result = await this.registerStaff.execute({
      email: req.email,
      password: req.password,
      displayName: req.displayName,
      organisation: req.organisation,
      clinicalSystem: clinicalSystemFromProto(req.clinicalSystem),
      clinicalUserId: req.clinicalUserId,
    });
    return { staffId: result.staffId, status: statusToProto(result.status) };
  }

  async verifyEmail(req: VerifyEmailRequest) {
    const { status } = await this.verifyEmailCode.execute({ email: req.email, code: req.code });
    return { status: statusToProto(status) };
  }

  async resendVerificationCode(req: ResendVerificationCodeRequest) {
    await this.resendCode.execute({ email: req.email });
    return {};
  }

  async getCurrentStaff(_req: unknown, ctx: HandlerContext) {
    return { staff: staffToProto(await this.currentStaff.execute(policyPendingActor(ctx))) };
  }

  async listPendingStaff(_req: unknown, ctx: HandlerContext) {
    const staff = await this.pendingStaff.execute(administratorActor(ctx));
    return { staff: staff.map(staffToProto) };
  }

  async approveStaff(req: ApproveStaffRequest, ctx: HandlerContext) {
    const staff = await this.approve.execute({
      actor: administratorActor(ctx),
      staffId: req.staffId,
      roles: rolesFromProto(req.roles),
    });
    return { staff: staffToProto(staff) };
  }

  async rejectStaff(req: RejectStaffRequest, ctx: HandlerContext) {
    const staff = await this.reject.execute({
      actor: administratorActor(ctx),
      staffId: req.staffId,
      reason: req.reason,
    });
    return { staff: staffToProto(staff) };
  }

  async changeStaffRoles(req: ChangeStaffRolesRequest, ctx: HandlerContext) {
    const staff = await this.changeRoles.execute({
      actor: administratorActor(ctx),
      staffId: req.staffId,
      roles: rolesFromProto(req.roles),
    });
    return { staff: staffToProto(staff) };
  }

  async suspendStaff(req: SuspendStaffRequest, ctx: HandlerContext) {
    const result = await this.suspend.execute({
      actor: administratorActor(ctx),
      staffId: req.staffId,
      reason: req.reason,
    });
    return { staff: staffToProto(result.staff), revokedSessions: result.revokedSessions };
  }

  async linkOidcSubject(req: LinkOidcSubjectRequest, ctx: HandlerContext) {
    await this.linkOidc.execute({
      actor: administratorActor(ctx),
      staffId: req.staffId,
      subject: req.oidcSubject,
    });
    return {};
  }
}
