import type { Outbox } from '@cairn/events';
import type { MessagingEvents } from '../../events/messaging-events';
import type { MessageRepository } from '../../repositories/message.repository';
import type { MessagingDatabase } from '../../repositories/messaging-database';
import type { MessageDoc } from '../../repositories/schemas';
import { RecordReceiptUseCase } from './record-receipt.usecase';

function message(status: MessageDoc['status'], provider?: string): MessageDoc {
  const now = new Date();
  return {
    _id: 'm_1',
    organisation: 'A81001',
    nhsNumber: '9434765919',
    mobile: '+447400123456',
    text: 'hi',
    status,
    encoding: 'GSM-7',
    characters: 2,
    segments: 1,
    warnings: [],
    sentBy: 's',
    idempotencyKey: 'k',
    createdAt: now,
    updatedAt: now,
    attempts: 1,
    provider,
  };
}

function setUp(stored: MessageDoc | undefined) {
  const moves: Partial<MessageDoc>[] = [];
  const unknown: unknown[] = [];
  const messages = {
    findById: async () => stored,
    findByProviderId: async () => undefined,
    move: async (_m: MessageDoc, set: Partial<MessageDoc>) => {
      moves.push(set);
      return { ...stored, ...set };
    },
  } as unknown as MessageRepository;
  const outbox = {
    create: async (_model: unknown, doc: unknown) => void unknown.push(doc),
  } as unknown as Outbox;
  const events = {
    statusChanged: () => ({}),
    unknownReceipt: () => ({}),
  } as unknown as MessagingEvents;
  const db = { unknownReceipts: {} } as unknown as MessagingDatabase;
  const useCase = new RecordReceiptUseCase(messages, db, outbox, events, { now: () => new Date() });
  return { useCase, moves, unknown };
}

describe('RecordReceiptUseCase', () => {
  it('applies a final status to a sent message', async () => {
    const { useCase, moves } = setUp(message('sent', 'vonage'));
    expect(
      await useCase.execute('vonage', { reference: 'm_1', status: 'delivered', detail: 'd' }),
    ).toBe('applied');
    expect(moves[0]?.status).toBe('delivered');
  });

  it('asks for redelivery while the hand-over is not recorded yet', async () => {
    const { useCase, moves } = setUp(message('sending'));
    expect(
      await useCase.execute('vonage', { reference: 'm_1', status: 'delivered', detail: 'd' }),
    ).toBe('retry');
    expect(moves).toEqual([]);
  });

  it('ignores receipts after a final status, pending receipts and other providers', async () => {
    expect(
      await setUp(message('delivered', 'vonage')).useCase.execute('vonage', {
        reference: 'm_1',
        status: 'permanent-failure',
        detail: 'd',
      }),
    ).toBe('ignored');
    expect(
      await setUp(message('sent', 'vonage')).useCase.execute('vonage', {
        reference: 'm_1',
        status: 'pending',
        detail: 'd',
      }),
    ).toBe('ignored');
    expect(
      await setUp(message('sent', 'firetext')).useCase.execute('vonage', {
        reference: 'm_1',
        status: 'delivered',
        detail: 'd',
      }),
    ).toBe('ignored');
  });

  it('records a receipt for an unknown message', async () => {
    const { useCase, unknown } = setUp(undefined);
    expect(
      await useCase.execute('firetext', { reference: 'm_nope', status: 'delivered', detail: 'd' }),
    ).toBe('unknown');
    expect(unknown).toHaveLength(1);
  });
});
