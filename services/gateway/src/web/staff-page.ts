// What every staff page does first and last: find the signed-in member of staff from the session
// cookie (or send them to sign in, or to accept the policy), and render with the staff header,
// the home link for their roles and the staff navigation. One place for the four staff
// controllers, so they cannot drift apart.
import type { Request, Response } from 'express';
import { GatewayError, GatewayErrorCode } from '../domain/gateway-error';
import {
  homePageFor,
  type ResolvedStaff,
  type StaffSessions,
} from '../usecases/shared/staff-sessions';
import type { PageRenderer } from './page-renderer';
import { staffNav } from './staff-nav';
import { STAFF_COOKIE } from './web-options';

const SERVICE_NAME = 'Cairn for practices';

export class StaffPage {
  constructor(
    private readonly sessions: Pick<StaffSessions, 'resolve'>,
    private readonly pages: PageRenderer,
  ) {}

  /**
   * The signed-in member of staff, or null after redirecting: to sign in when there is no live
   * session, to the acceptable-use policy when it is not yet accepted (unless this page is the
   * policy itself).
   */
  async signedIn(
    req: Request,
    res: Response,
    options: { readonly allowPolicyPending?: boolean } = {},
  ): Promise<ResolvedStaff | null> {
    try {
      const staff = await this.sessions.resolve(req.cookies?.[STAFF_COOKIE] as string | undefined);
      if (!staff.policyAccepted && !options.allowPolicyPending) {
        res.redirect(303, '/staff/policy');
        return null;
      }
      return staff;
    } catch (error) {
      if (error instanceof GatewayError && error.code === GatewayErrorCode.SessionRequired) {
        res.clearCookie(STAFF_COOKIE, { path: '/' });
        res.redirect(303, '/staff/sign-in');
        return null;
      }
      throw error;
    }
  }

  /** A staff page: the staff service name, home for these roles, the navigation they may use. */
  render(
    req: Request,
    res: Response,
    staff: ResolvedStaff | null,
    view: string,
    locals: Record<string, unknown>,
    status = 200,
  ): void {
    this.pages.render(
      req,
      res,
      view,
      {
        serviceName: SERVICE_NAME,
        homeHref: staff ? homePageFor(staff) : '/staff/sign-in',
        ...staffNav(staff),
        ...locals,
      },
      status,
    );
  }
}
