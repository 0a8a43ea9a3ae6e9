// A guard left by a process killed between taking it and writing its step (the cause of the
// restart test's stall): the message must still go once the guard is stale, and not before.
import { SendMessageUseCase } from '../src/usecases/send-message/send-message.usecase';
import { mobileFor, nhsNumbers, patient } from './support/fake-directory';
import { sandboxMessages, startHarness, waitFor, type Harness } from './support/harness';

const ORG = 'A81001';
const [DEAD_CLAIM, FRESH_CLAIM] = nhsNumbers(2, 955_200_000);
const STALE_AFTER_MS = 3_000;

let h: Harness;

beforeAll(async () => {
  h = await startHarness('messaging-guards', {}, { abandonedAfterMs: STALE_AFTER_MS });
  h.directory.set(ORG, DEAD_CLAIM!, patient(mobileFor(31)));
  h.directory.set(ORG, FRESH_CLAIM!, patient(mobileFor(32)));
});

afterAll(async () => {
  await h?.stop();
});

async function guard(key: string, at: Date): Promise<string> {
  const id = SendMessageUseCase.messageId(ORG, key);
  // The claim guard (leaving created at attempt 0) of a claim whose write never happened.
  await h.handle.database.guards.create({ _id: `${id}|0|leave-created`, at });
  return id;
}

describe('a claim guard whose write never happened', () => {
  it('is superseded once stale, and the message is sent once', async () => {
    const id = await guard('dead-claim', new Date(Date.now() - 10 * STALE_AFTER_MS));
    const { client } = await h.client();
    await client.sendMessage({
      idempotencyKey: 'dead-claim',
      nhsNumber: DEAD_CLAIM!,
      content: { content: { case: 'body', value: 'Your results are ready to collect.' } },
      warningsAcknowledged: true,
    });
    const sent = await waitFor('the message handed over', async () => {
      const m = await h.handle.database.messages.findById(id).lean().exec();
      return m?.status === 'sent' ? m : undefined;
    });
    expect(sent.attempts).toBe(1);
    expect(await sandboxMessages(h.handle, mobileFor(31))).toHaveLength(1);
    expect(
      await h.handle.database.guards.exists({ _id: `${id}|0|leave-created~1` }),
    ).not.toBeNull();
  });

  it('holds a message while the guard is fresh (its holder may still write)', async () => {
    const at = new Date();
    const id = await guard('fresh-claim', at);
    const { client } = await h.client();
    await client.sendMessage({
      idempotencyKey: 'fresh-claim',
      nhsNumber: FRESH_CLAIM!,
      content: { content: { case: 'body', value: 'Flu clinic on Saturday.' } },
    });
    // Several sweeps run meanwhile (every 200 ms); none may claim it.
    await new Promise((resolve) => setTimeout(resolve, STALE_AFTER_MS / 2));
    const held = await h.handle.database.messages.findById(id).lean().exec();
    // The read must have happened while the guard was fresh, or the check below proves nothing.
    expect(Date.now() - at.getTime()).toBeLessThan(STALE_AFTER_MS);
    expect(held?.status).toBe('created');
    await waitFor('the message handed over after the guard went stale', async () => {
      const m = await h.handle.database.messages.findById(id).lean().exec();
      return m?.status === 'sent';
    });
    expect(await sandboxMessages(h.handle, mobileFor(32))).toHaveLength(1);
  });
});
