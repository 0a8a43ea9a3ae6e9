// cairn.identity.v1.ClinicalRecordService: authorisation and proto ↔ use-case mapping only.
// Staff of the organisation named in the request who are healthcare professionals (clinician,
// senior clinician): filing into a patient's record is a clinical decision (the DPIA's step 18,
// "the healthcare professional clicks save to record"). Administrators, Caldicott guardians,
// privacy officers and auditors may not.
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { requireRole, requireSameOrganisation } from '@cairn/auth';
import {
  ClinicalRecordService,
  SaveToRecordResponseSchema,
  type SaveToRecordRequest,
} from '@cairn/contracts/cairn/identity/v1/clinical_record_pb';
import { parseOdsCode } from '@cairn/nhs';
import { RpcService } from '@cairn/platform';
import { Inject } from '@nestjs/common';
import { SaveToRecordUseCase } from '../usecases/save-to-record/save-to-record.usecase';

@RpcService(ClinicalRecordService)
export class ClinicalRecordRpc implements ServiceImpl<typeof ClinicalRecordService> {
  constructor(@Inject(SaveToRecordUseCase) private readonly saves: SaveToRecordUseCase) {}

  async saveToRecord(request: SaveToRecordRequest, context: HandlerContext) {
    requireSameOrganisation(context, request.odsCode);
    const staff = requireRole(context, 'clinician', 'senior-clinician');
    // requireSameOrganisation compared exactly with the token's org, which @cairn/auth checked.
    const ods = parseOdsCode(staff.org ?? '');
    if (ods === undefined) throw new Error('verified staff claims carry a malformed org');
    const result = await this.saves.execute({
      odsCode: ods,
      staffId: staff.sub,
      nhsNumber: request.nhsNumber,
      idempotencyKey: request.idempotencyKey,
      title: request.title,
      text: request.text,
      attachments: request.attachments.map((a) => ({
        contentType: a.contentType,
        filename: a.filename,
        data: a.data,
      })),
      sourceReference: request.sourceReference,
      signal: context.signal,
    });
    return create(SaveToRecordResponseSchema, {
      recordReference: result.recordReference,
      savedAt: timestampFromDate(result.savedAt),
    });
  }
}
