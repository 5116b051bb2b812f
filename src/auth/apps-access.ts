import type { App, Role, User } from "../db/schema.ts";
import { appAllowedRoles } from "./apps.ts";

/**
 * The one rule for "may this user use this app": an enabled account, and the app open to everyone or
 * to the user's role. OpenID Connect sign-in, forward auth and the dashboard's "Your apps" all ask it.
 */
export function mayUseApp(app: App, user: Pick<User, "role" | "disabled_at">): boolean {
  if (user.disabled_at !== null) return false;
  const roles = appAllowedRoles(app);
  return roles === null || roles.includes(user.role as Role);
}

/** The apps of `apps` that `user` may use, in the order given. */
export function appsUsableBy(apps: readonly App[], user: Pick<User, "role" | "disabled_at">): App[] {
  return apps.filter((app) => mayUseApp(app, user));
}
