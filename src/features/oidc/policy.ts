import type { KoaContextWithOIDC } from "oidc-provider";
import { mayUseApp } from "../../auth/apps-access.ts";
import { findAppByClientId } from "../../auth/apps.ts";
import type { AppDeps } from "../../deps.ts";
import type { OidcProviderModule } from "./load-provider.ts";
import { portalSessionOf } from "./portal-session.ts";

/** Why the interaction asks for a fresh password and code rather than finishing with the current sign-in. */
export const FRESH_SIGN_IN_REASONS: ReadonlySet<string> = new Set(["login_prompt", "max_age"]);
export const APP_NOT_ALLOWED = "app_not_allowed";

/**
 * oidc-provider's default policy with two changes in its login prompt:
 * - `max_age` is measured on the portal's clock against the time this sign-in's password was verified;
 * - an account that may not use the app is refused (access_denied; with prompt=none at once).
 * The consent prompt stays, but never fires: administrator-registered apps are granted what they ask
 * (see loadExistingGrant in provider-config.ts).
 */
export function portalInteractionPolicy(deps: AppDeps, { Check, base }: OidcProviderModule["interactionPolicy"]) {
  const policy = base();
  const login = policy.get("login")!;
  login.checks.remove("max_age");
  login.checks.add(
    new Check("max_age", "End-User authentication could not be obtained", (ctx: KoaContextWithOIDC) => {
      const maxAge = ctx.oidc.params!.max_age as number | undefined;
      if (maxAge === undefined || ctx.oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      const verifiedAt = portalSessionOf(ctx)?.session.password_verified_at;
      if (verifiedAt === null || verifiedAt === undefined) return Check.REQUEST_PROMPT;
      return deps.clock.nowMs() - verifiedAt > maxAge * 1000 ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
    1,
  );
  login.checks.add(
    new Check(APP_NOT_ALLOWED, "this account may not use this app", "access_denied", async (ctx: KoaContextWithOIDC) => {
      const portal = portalSessionOf(ctx);
      if (!portal || !ctx.oidc.client) return Check.NO_NEED_TO_PROMPT;
      const app = await findAppByClientId(deps.database.db, ctx.oidc.client.clientId);
      return app && mayUseApp(app, portal.user) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}
