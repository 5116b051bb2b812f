import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { text } from "../../http/forms/form.ts";
import { SEARCH_QUERY_MAX_LENGTH, SEARCH_RESULT_LIMIT, searchUsers } from "./console.service.ts";
import { takeFlash } from "../../auth/session.ts";
import { adminSearchBody, SEARCH_MAX_LENGTH } from "./search.view.ts";
import { findTargetUser, requireStaff } from "./admin.guard.ts";
import type { AppDeps } from "../../deps.ts";
import { sendPage } from "../../http/render.ts";
import { sendAdminUserPage } from "./user-page.ts";
import { proven } from "../../http/guards/access.ts";
import { SUPPORT_CONSOLE_MESSAGES as M } from "./support-console.messages.ts";

// text(): a NUL in the query is refused (PostgreSQL cannot compare one: it was a 500 there).
const searchQuery = z.strictObject({ q: text(SEARCH_MAX_LENGTH, "Search users").optional() });

/** The support console's read side: search, and one user's page. */
export function adminRoutes(deps: AppDeps) {
  const { config, database } = deps;
  return async (app: FastifyInstance) => {
    const staff = { config: { access: "full" as const }, preHandler: requireStaff(deps) };

    app.get("/admin", staff, async (request, reply) => {
      const auth = proven(request, "full");
      const parsed = searchQuery.safeParse(request.query ?? {});
      const query = parsed.success ? (parsed.data.q ?? "") : "";
      const problem = parsed.success ? (query.length > SEARCH_QUERY_MAX_LENGTH ? "too_big" : null) : (parsed.error.issues[0]?.code ?? "invalid");
      const error =
        problem === null
          ? null
          : problem === "too_big"
            ? M.searchTooLong(SEARCH_QUERY_MAX_LENGTH)
            : problem === "custom"
              ? M.searchControlCharacters
              : M.searchOneField;
      const results = error || query.trim() === "" ? null : await searchUsers(database.db, query);
      const flash = await takeFlash(database.db, auth.session);
      return sendPage(request, reply, config, {
        title: M.consoleTitle,
        code: error ? 400 : 200,
        status: flash,
        body: () => adminSearchBody({ query: query.slice(0, SEARCH_QUERY_MAX_LENGTH), results, error, limit: SEARCH_RESULT_LIMIT, isAdmin: auth.user.role === "admin" }),
      });
    });

    app.get("/admin/users/:id", staff, async (request, reply) => {
      const target = await findTargetUser(deps, request, reply);
      if (!target) return reply;
      const flash = await takeFlash(database.db, proven(request, "full").session);
      return sendAdminUserPage(request, reply, deps, target, { status: flash });
    });
  };
}
