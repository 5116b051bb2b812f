import { afterEach, beforeEach, describe, expect, test } from "vitest";
import * as oidc from "openid-client";
import type { User } from "../../src/db/schema.ts";
import type { TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import type { HttpClient } from "../support/http-client.ts";
import { callbackParams, createOidcTestContext, followAuthorization, RelyingParty, registerOidcApp, signInAt } from "../support/relying-party.ts";
import { auditEventsOf, enrollApp, enrollSms, lastSmsCode, submitSignInCode, totpCodeAt } from "../support/two-factor.ts";

describe.each(TEST_DIALECTS)("OpenID Connect sessions on %s", (dialect) => {
  let ctx: TestContext;
  let user: User;
  let secret: Buffer;
  let rp: RelyingParty;
  beforeEach(async () => {
    ctx = await createOidcTestContext(dialect);
    user = await ctx.createUser({ name: "Cleo" });
    secret = await enrollApp(ctx, user.email);
    const { app, clientSecret } = await registerOidcApp(ctx, { postLogout: ["https://files.example.test/bye"] });
    rp = await RelyingParty.discover(ctx.baseUrl, { clientId: app.client_id!, clientSecret });
  });
  afterEach(() => ctx.close());

  /** Password and app code on the portal's pages, from wherever the provider sent the browser. */
  async function signInThrough(browser: HttpClient, loginUrl: string) {
    ctx.clock.advance(30_000);
    expect((await signInAt(browser, loginUrl, user.email)).location).toBe("/two-factor");
    const verified = await submitSignInCode(browser, totpCodeAt(secret, ctx.clock.nowMs()));
    return followAuthorization(browser, verified.location!);
  }

  async function signedInBrowser(): Promise<{ browser: HttpClient; idToken: string }> {
    const browser = ctx.client();
    const pending = await rp.start();
    const toLogin = await followAuthorization(browser, pending.url.href);
    const back = await signInThrough(browser, (toLogin as { location: string }).location);
    const tokens = await rp.finish((back as { url: URL }).url, pending);
    return { browser, idToken: tokens.id_token! };
  }

  test("prompt=none answers login_required to a browser that is not signed in, and signs a signed-in one in silently", async () => {
    const stranger = ctx.client();
    const silent = await rp.start({ prompt: "none" });
    expect(callbackParams(await followAuthorization(stranger, silent.url.href)).get("error")).toBe("login_required");

    const { browser } = await signedInBrowser();
    const again = await rp.start({ prompt: "none" });
    const back = await followAuthorization(browser, again.url.href);
    expect((await rp.finish((back as { url: URL }).url, again)).claims()!.sub).toBe(user.id);
  });

  test("signing out of the portal ends single sign-on: the next app sign-in asks for the password again", async () => {
    const { browser } = await signedInBrowser();
    await browser.submit("/", {}, "/logout");
    const silent = await rp.start({ prompt: "none" });
    expect(callbackParams(await followAuthorization(browser, silent.url.href)).get("error")).toBe("login_required");
    expect((await followAuthorization(browser, (await rp.start()).url.href)).kind).toBe("login");
  });

  test("prompt=login and an exceeded max_age each ask for a fresh password and code", async () => {
    const { browser } = await signedInBrowser();
    for (const extra of [{ prompt: "login" }, { max_age: "300" }] as Record<string, string>[]) {
      ctx.clock.advance(6 * 60_000);
      const pending = await rp.start(extra);
      const toLogin = await followAuthorization(browser, pending.url.href);
      expect(toLogin.kind, JSON.stringify(extra)).toBe("login");
      expect((await browser.get("/")).location, "the old portal session ended").toBe("/login");
      const back = await signInThrough(browser, (toLogin as { location: string }).location);
      const claims = (await rp.finish((back as { url: URL }).url, pending, extra.max_age ? { maxAge: 300 } : {})).claims()!;
      expect(claims.auth_time, "auth_time is the new password's time").toBe(Math.floor(ctx.clock.nowMs() / 1000));
    }
    const asked = (await auditEventsOf(ctx, user.id)).filter((e) => e.type === "app.reauthentication_requested");
    expect(asked).toHaveLength(2);

    // Within max_age, the sign-in stands.
    const fresh = await rp.start({ max_age: "300" });
    expect((await followAuthorization(browser, fresh.url.href)).kind).toBe("callback");
  });

  test("the app's sign-out (RP-initiated logout) signs the user out of the portal too", async () => {
    const { browser, idToken } = await signedInBrowser();
    const end = oidc.buildEndSessionUrl(rp.config, { id_token_hint: idToken, post_logout_redirect_uri: "https://files.example.test/bye" });
    const page = await browser.get(end.href);
    expect(page.status).toBe(200);
    expect(page.body).toContain("<h1>Sign out</h1>");
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)?.[1];
    const confirmed = await browser.postForm("/oidc/session/end/confirm", { xsrf: xsrf!, logout: "yes" });
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe("https://files.example.test/bye");
    expect((await browser.get("/")).location).toBe("/login");
    expect((await auditEventsOf(ctx, user.id)).at(-1)?.type).toBe("signout");
  });

  test("an SMS sign-in's ID token says sms; an app that asks for offline_access gets a refresh token that is rotated on use", async () => {
    const smsUser = await ctx.createUser({ name: "Dev" });
    await enrollSms(ctx, smsUser.email, "+447400123456");
    const browser = ctx.client();
    const pending = await rp.start({ scope: "openid offline_access", prompt: "consent" });
    const toLogin = await followAuthorization(browser, pending.url.href);
    expect((await signInAt(browser, (toLogin as { location: string }).location, smsUser.email)).location).toBe("/two-factor");
    const verified = await submitSignInCode(browser, lastSmsCode(ctx, "+447400123456"));
    const back = await followAuthorization(browser, verified.location!);
    const tokens = await rp.finish((back as { url: URL }).url, pending);
    expect(tokens.claims()!.amr).toEqual(["pwd", "mfa", "sms"]);
    expect(tokens.refresh_token).toBeTruthy();

    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    await expect(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  test("an app open to chosen roles refuses other accounts with access_denied", async () => {
    const staff = await registerOidcApp(ctx, { name: "Staff wiki", roles: ["support", "admin"], redirectUri: "https://staff.example.test/cb" });
    const staffRp = await RelyingParty.discover(ctx.baseUrl, { clientId: staff.app.client_id!, clientSecret: staff.clientSecret, redirectUri: "https://staff.example.test/cb" });
    const { browser } = await signedInBrowser();
    const silent = await staffRp.start({ prompt: "none" });
    expect(callbackParams(await followAuthorization(browser, silent.url.href, "https://staff.example.test/cb")).get("error")).toBe("access_denied");
    const asked = await staffRp.start();
    expect(callbackParams(await followAuthorization(browser, asked.url.href, "https://staff.example.test/cb")).get("error")).toBe("access_denied");
  });
});
