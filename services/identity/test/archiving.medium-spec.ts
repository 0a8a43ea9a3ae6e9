// Inactive accounts are warned, then archived, on an injectable clock: six months of inactivity
// pass in a test without waiting.
import { Code } from '@connectrpc/connect';
import {
  ArchiveWarningSentSchema,
  StaffArchivedSchema,
} from '@cairn/contracts/cairn/identity/events/v1/events_pb';
import { ManualClock } from '../src/domain/clock';
import { ArchiveInactiveStaffUseCase } from '../src/usecases/archive-inactive-staff/archive-inactive-staff.usecase';
import { IdentityHarness, type SignedIn } from './support/identity-harness';
import { expectRpcError } from './support/rpc-errors';

const DAY = 24 * 3_600_000;

describe('archiving inactive accounts', () => {
  const clock = new ManualClock(new Date());
  let h: IdentityHarness;
  let admin: SignedIn;
  let idle: SignedIn;
  let returning: SignedIn;
  let sweep: () => Promise<{ warned: number; archived: number }>;

  beforeAll(async () => {
    h = await IdentityHarness.start({ clock });
    let ods: string;
    ({ ods, admin } = await h.newOrganisation());
    idle = await h.newStaff(ods, admin);
    returning = await h.newStaff(ods, admin);
    const archive = h.handle.app.get(ArchiveInactiveStaffUseCase);
    sweep = () => archive.execute();
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('warns a week before six months of inactivity, then archives', async () => {
    expect(await sweep()).toEqual({ warned: 0, archived: 0 });

    clock.advance(183 * DAY - 7 * DAY + 60_000);
    const warnedRound = await sweep();
    expect(warnedRound.warned).toBeGreaterThanOrEqual(2);
    const { messages } = await h.mailbox.listDevMail({ to: idle.email, limit: 1 });
    expect(messages[0]?.subject).toBe('Your Cairn account will be archived');
    await h.events.waitFor(
      (e) => e.is(ArchiveWarningSentSchema) && e.message.staffId === idle.staffId,
      'ArchiveWarningSent',
    );

    // One of them comes back in time (their old session long expired): signing in clears the
    // warning.
    const back = await h.sessions.signIn({ email: returning.email, password: returning.password });
    if (back.result.case !== 'tokens') throw new Error('expected tokens');
    expect(back.result.value.accessToken).not.toBe('');

    // A second sweep the same day warns nobody twice and archives nobody early.
    expect(await sweep()).toEqual({ warned: 0, archived: 0 });

    clock.advance(7 * DAY);
    const archivedRound = await sweep();
    expect(archivedRound.archived).toBeGreaterThanOrEqual(1);
    await h.events.waitFor(
      (e) => e.is(StaffArchivedSchema) && e.message.staffId === idle.staffId,
      'StaffArchived',
    );
    await expectRpcError(
      h.sessions.signIn({ email: idle.email, password: idle.password }),
      Code.PermissionDenied,
      'account_not_active',
    );
    // The one who came back is still active.
    const again = await h.sessions.signIn({ email: returning.email, password: returning.password });
    expect(again.result.case).toBe('tokens');
  });
});
