import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { RpcService } from '@cairn/platform';
import {
  PolicyService,
  type AcceptPolicyRequest,
  type PublishPolicyRequest,
} from '@cairn/contracts/cairn/identity/v1/policies_pb';
import { AcceptPolicyUseCase } from '../usecases/accept-policy/accept-policy.usecase';
import { GetCurrentPolicyUseCase } from '../usecases/get-current-policy/get-current-policy.usecase';
import { PublishPolicyUseCase } from '../usecases/publish-policy/publish-policy.usecase';
import { platformAdminActor, policyPendingActor, policyToProto } from './mappers';

@RpcService(PolicyService)
export class PoliciesRpc implements ServiceImpl<typeof PolicyService> {
  constructor(
    private readonly current: GetCurrentPolicyUseCase,
    private readonly accept: AcceptPolicyUseCase,
    private readonly publish: PublishPolicyUseCase,
  ) {}

  async getCurrentPolicy(_req: unknown, ctx: HandlerContext) {
    const { policy, accepted } = await this.current.execute(policyPendingActor(ctx));
    return { policy: policyToProto(policy), accepted };
  }

  async acceptPolicy(req: AcceptPolicyRequest, ctx: HandlerContext) {
    await this.accept.execute({ actor: policyPendingActor(ctx), version: req.version });
    return {};
  }

  async publishPolicy(req: PublishPolicyRequest, ctx: HandlerContext) {
    const policy = await this.publish.execute({
      actor: platformAdminActor(ctx),
      version: req.version,
      text: req.text,
    });
    return { policy: policyToProto(policy) };
  }
}
