import type { FastifyInstance } from "fastify";
import { takeFlash } from "../../auth/session.ts";
import type { AppDeps } from "../../deps.ts";
import { proven } from "../../http/guards/access.ts";
import { sendPage } from "../../http/render.ts";
import { requireStaff } from "./admin.guard.ts";
import { countPendingInvitations, findPendingInvitations } from "./invitations.service.ts";
import { invitationsPageBody } from "./invitations.view.ts";
import { SUPPORT_CONSOLE_MESSAGES as M } from "./support-console.messages.ts";
import { ALL_USERS, parsePageQuery, parseUsersQuery } from "./users-list.query.ts";
import { findUsers } from "./users-list.service.ts";
import { usersPageBody } from "./users-list.view.ts";

/** The console's Users page and its "Pending invitations" tab: support and administrators read them. */
export function usersListRoutes(deps: AppDeps) {
  const { config, database, clock } = deps;
  const db = database.db;
  return async (app: FastifyInstance) => {
    const staff = { config: { access: "full" as const }, preHandler: requireStaff(deps) };

    app.get("/admin/users", staff, async (request, reply) => {
      const parsed = parseUsersQuery(request.query);
      const filters = parsed.ok ? parsed.value.filters : ALL_USERS;
      const [list, pendingCount, flash] = await Promise.all([
        parsed.ok ? findUsers(db, filters, parsed.value.request) : null,
        countPendingInvitations(db),
        takeFlash(db, proven(request, "full").session),
      ]);
      const problem = parsed.ok ? null : parsed.problem;
      return sendPage(request, reply, config, { title: M.usersTitle, code: problem ? 400 : 200, status: flash, body: () => usersPageBody({ filters, list, pendingCount, problem }) });
    });

    app.get("/admin/users/invitations", staff, async (request, reply) => {
      const auth = proven(request, "full");
      const parsed = parsePageQuery(request.query);
      const listPage = parsed.ok ? parsed.value.request : { page: 1 };
      const [list, pendingCount, flash] = await Promise.all([parsed.ok ? findPendingInvitations(db, listPage) : null, countPendingInvitations(db), takeFlash(db, auth.session)]);
      const problem = parsed.ok ? null : parsed.problem;
      return sendPage(request, reply, config, {
        title: M.invitationsTitle,
        code: problem ? 400 : 200,
        status: flash,
        body: (csrfToken) => invitationsPageBody({ csrfToken, list, request: listPage, pendingCount, nowMs: clock.nowMs(), isAdmin: auth.user.role === "admin", problem }),
      });
    });
  };
}
