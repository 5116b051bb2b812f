import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { takeFlash } from "../../auth/session.ts";
import { setFlash } from "../../auth/step-up.ts";
import { DISPLAY_NAME_MAX_LENGTH, parseDisplayName } from "../../auth/user.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text } from "../../http/forms/form.ts";
import { proven } from "../../http/guards/access.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { ACCOUNT_MESSAGES as M } from "./account.messages.ts";
import { saveProfile } from "./account.service.ts";
import { type ProfileView, profileBody } from "./profile.view.ts";
import { parseTimeZone, TIME_ZONE_MAX_LENGTH } from "./time-zones.ts";

// "time_zone" may be absent (a client that never showed the select): the saved zone stays as it is.
const profileForm = formSchema({ name: text(DISPLAY_NAME_MAX_LENGTH, "Display name"), time_zone: text(TIME_ZONE_MAX_LENGTH, "Time zone").optional() });

type Refused = Pick<ProfileView, "error" | "timeZoneError" | "formError"> & { name?: string; timeZone?: string };

/** "Profile": the display name and the time zone every page's times are shown in (PORTAL.md §6). */
export function profileRoutes(deps: AppDeps) {
  const { config, database } = deps;
  const db = database.db;

  const profilePage = async (request: FastifyRequest, reply: FastifyReply, o: Refused, code = 200) => {
    const { user, session } = proven(request, "full");
    const flash = code === 200 ? await takeFlash(db, session) : null;
    return sendPage(request, reply, config, {
      title: M.profileTitle,
      code,
      status: flash,
      body: (csrfToken) =>
        profileBody({
          csrfToken,
          email: user.email,
          displayName: o.name ?? user.display_name,
          timeZone: o.timeZone ?? user.time_zone,
          adminPage: user.role === "admin" ? `/admin/users/${user.id}` : null,
          error: o.error,
          timeZoneError: o.timeZoneError,
          formError: o.formError,
        }),
    });
  };

  return async (app: FastifyInstance) => {
    app.get("/account/profile", async (request, reply) => profilePage(request, reply, {}));

    app.post("/account/profile", async (request, reply) => {
      const parsed = parseForm(profileForm, request.body);
      if (!parsed.ok) return profilePage(request, reply, { formError: parsed.message }, 400);
      const { name: typedName, time_zone: typedZone } = parsed.data;
      const name = parseDisplayName(typedName);
      // undefined: no select on the form (the zone stays); "": the browser's (null); else a listed zone.
      const zone = typedZone === undefined || typedZone === "" ? typedZone : parseTimeZone(typedZone);
      if (!name || zone === null) {
        // Both fields are checked, so one refusal names every mistake; the select shows the saved zone when the sent one is unknown.
        return profilePage(request, reply, { name: typedName, timeZone: zone ?? undefined, error: name ? null : M.nameInvalid, timeZoneError: zone === null ? M.timeZoneUnknown : null }, 400);
      }
      const { user, session } = proven(request, "full");
      await saveProfile(db, deps, { user, displayName: name, timeZone: zone === undefined ? undefined : zone || null, meta: requestMeta(request) });
      await setFlash(db, session.id, M.profileSaved);
      return reply.redirect("/account/profile", 303);
    });
  };
}
