import { PoisonMessageError } from '../errors';
import { deadLetterHeaders, describeError, readDeadLetter } from './dead-letter';

describe('dead-letter headers', () => {
  const details = {
    reason: 'retries-exhausted' as const,
    error: new TypeError('counter missing'),
    sourceTopic: 'cairn.devtest.events.v1',
    sourcePartition: 2,
    sourceOffset: '41',
    consumerGroup: 'devtest',
    attempts: 5,
    failedAt: new Date('2026-03-01T10:00:00Z'),
  };

  it('keeps the original headers and adds why and where from', () => {
    const headers = deadLetterHeaders({ ce_id: Buffer.from('e-1') }, details);
    expect(headers).toMatchObject({
      ce_id: Buffer.from('e-1'),
      cairn_dlq_error: 'TypeError: counter missing',
      cairn_dlq_reason: 'retries-exhausted',
      cairn_dlq_source_topic: 'cairn.devtest.events.v1',
      cairn_dlq_source_partition: '2',
      cairn_dlq_source_offset: '41',
      cairn_dlq_consumer_group: 'devtest',
      cairn_dlq_attempts: '5',
      cairn_dlq_failed_at: '2026-03-01T10:00:00.000Z',
    });
  });

  it('reads them back as the DeadLetter message', () => {
    const letter = readDeadLetter(deadLetterHeaders({}, details));
    expect(letter.errorName).toBe('TypeError');
    expect(letter.errorMessage).toBe('counter missing');
    expect(letter.sourcePartition).toBe(2);
    expect(letter.attempts).toBe(5);
    expect(letter.failedAt?.seconds).toBe(BigInt(Date.parse('2026-03-01T10:00:00Z') / 1000));
  });

  it('shortens long errors and names poison', () => {
    expect(describeError(new PoisonMessageError('bad'))).toBe('PoisonMessageError: bad');
    expect(describeError(new Error('x'.repeat(5000))).length).toBe(1000);
    expect(describeError('plain')).toBe('Error: plain');
  });
});
