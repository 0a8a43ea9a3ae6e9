import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { RpcService } from '@cairn/platform';
import {
  OrganisationService,
  PlatformService,
  type BootstrapPlatformAdminRequest,
  type CreateOrganisationRequest,
  type GetOrganisationRequest,
} from '@cairn/contracts/cairn/identity/v1/organisations_pb';
import { IdentityError, IdentityErrorCode } from '../domain/identity-error';
import { parseOdsCode } from '../domain/staff';
import { OrganisationRepository } from '../repositories/organisation.repository';
import { BootstrapPlatformAdminUseCase } from '../usecases/bootstrap-platform-admin/bootstrap-platform-admin.usecase';
import { CreateOrganisationUseCase } from '../usecases/create-organisation/create-organisation.usecase';
import { organisationToProto, platformAdminActor } from './mappers';

@RpcService(OrganisationService)
export class OrganisationsRpc implements ServiceImpl<typeof OrganisationService> {
  constructor(
    private readonly create: CreateOrganisationUseCase,
    private readonly organisations: OrganisationRepository,
  ) {}

  async createOrganisation(req: CreateOrganisationRequest, ctx: HandlerContext) {
    const organisation = await this.create.execute({
      actor: platformAdminActor(ctx),
      odsCode: req.odsCode,
      name: req.name,
      administratorEmail: req.administratorEmail,
    });
    return { organisation: organisationToProto(organisation) };
  }

  async getOrganisation(req: GetOrganisationRequest) {
    const organisation = await this.organisations.find(parseOdsCode(req.odsCode));
    if (!organisation) {
      throw new IdentityError(IdentityErrorCode.OrganisationNotFound, 'organisation not found');
    }
    return { organisation: organisationToProto(organisation) };
  }
}

@RpcService(PlatformService)
export class PlatformRpc implements ServiceImpl<typeof PlatformService> {
  constructor(private readonly bootstrap: BootstrapPlatformAdminUseCase) {}

  async bootstrapPlatformAdmin(req: BootstrapPlatformAdminRequest) {
    return this.bootstrap.execute({
      bootstrapSecret: req.bootstrapSecret,
      email: req.email,
      password: req.password,
      displayName: req.displayName,
    });
  }
}
