// The sandbox provider for development and tests: it sends nothing and records every message
// (full text, link included) in messaging's database, keyed by our reference, so a repeated
// hand-over of the same message is acknowledged without a second record (idempotent by
// reference). Read them at GET /dev/sandbox/messages or with tools/sms-sandbox.
import type { SandboxRepository } from '../../repositories/sandbox.repository';
import type { SmsProvider, SmsRequest, SmsResult } from '../sms-provider.port';

export class SandboxProvider implements SmsProvider {
  readonly name = 'sandbox';
  readonly idempotentByReference = true;

  constructor(private readonly records: SandboxRepository) {}

  async send(request: SmsRequest): Promise<SmsResult> {
    const id = await this.records.record(request);
    return { outcome: 'accepted', providerMessageId: id };
  }
}
