import type { KoaContextWithOIDC } from "oidc-provider";
import type { AppDeps } from "../../deps.ts";
import { securityHeaderOptions } from "../../http/security-headers.ts";
import { brandAssets } from "../../views/brand.ts";
import { OIDC_MESSAGES as M } from "./oidc.messages.ts";
import { errorBody, logoutBody, messageOnly, renderProviderPage } from "./oidc.view.ts";

function sendHtml(ctx: KoaContextWithOIDC, markup: string): void {
  ctx.type = "html";
  ctx.set("cache-control", "no-store");
  ctx.body = markup;
}

/** The provider's error page (an unknown client, a redirect URI it may not use…) in the portal's layout. */
export function renderError(deps: AppDeps) {
  return async (ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) => {
    sendHtml(ctx, renderProviderPage({ title: M.errorHeading, brand: brandAssets(deps.config), body: errorBody({ error: out.error }) }));
  };
}

/**
 * "Sign out" for an app's RP-initiated logout. The form's post ends in a redirect to the app's
 * post_logout_redirect_uri, which Chromium checks against `form-action` (see oidc.view.ts): this
 * page's policy names that app's origin as well, and nothing else changes.
 */
export function logoutSource(deps: AppDeps) {
  return async (ctx: KoaContextWithOIDC, form: string) => {
    const target = ctx.oidc.params?.post_logout_redirect_uri;
    const origin = typeof target === "string" && URL.canParse(target) ? new URL(target).origin : null;
    if (origin) ctx.set("content-security-policy", cspWithFormTarget(deps, origin));
    sendHtml(ctx, renderProviderPage({ title: M.logoutHeading, brand: brandAssets(deps.config), body: logoutBody({ portalName: deps.config.portalName, form }) }));
  };
}

export function postLogoutSuccessSource(deps: AppDeps) {
  return async (ctx: KoaContextWithOIDC) => {
    sendHtml(ctx, renderProviderPage({ title: M.loggedOut, brand: brandAssets(deps.config), body: messageOnly({ heading: M.logoutHeading, message: M.loggedOut }) }));
  };
}

function cspWithFormTarget(deps: AppDeps, origin: string): string {
  const directives = securityHeaderOptions(deps.config).contentSecurityPolicy;
  const list = typeof directives === "object" && directives ? (directives.directives ?? {}) : {};
  return Object.entries(list)
    .map(([name, values]) => {
      const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const sources = [...(values as string[]), ...(name === "formAction" ? [origin] : [])];
      return `${kebab} ${sources.join(" ")}`;
    })
    .join(";");
}
