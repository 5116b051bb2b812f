import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { createOidcTestContext, followAuthorization, RelyingParty, registerOidcApp, signInAt } from "../support/relying-party.ts";
import { auditEventsOf, enrollApp, startAppSetup, submitAppSetupCode, submitSignInCode, totpCodeAt } from "../support/two-factor.ts";

describe.each(TEST_DIALECTS)("OpenID Connect sign-in on %s", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createOidcTestContext(dialect);
  });
  afterEach(() => ctx.close());

  test("a registered app signs a new client in through forced set-up and gets an ID token with pwd, mfa and otp", async () => {
    const user = await ctx.createUser({ email: "ann@example.com", name: "Ann Example" });
    const { app, clientSecret } = await registerOidcApp(ctx);
    const rp = await RelyingParty.discover(ctx.baseUrl, { clientId: app.client_id!, clientSecret });
    const browser = ctx.client();
    const pending = await rp.start();

    const toLogin = await followAuthorization(browser, pending.url.href);
    expect(toLogin.kind).toBe("login");
    const loginUrl = (toLogin as { location: string }).location;
    expect(new URL(loginUrl).searchParams.get("next")).toMatch(/^\/oidc\/interaction\/[\w-]+$/);
    expect((await signInAt(browser, loginUrl, user.email)).location).toBe("/two-factor");
    const secret = await startAppSetup(browser);
    const done = await submitAppSetupCode(browser, totpCodeAt(secret, ctx.clock.nowMs()));
    expect(done.location).toBe(new URL(loginUrl).searchParams.get("next"));

    const back = await followAuthorization(browser, done.location!);
    expect(back.kind).toBe("callback");
    const tokens = await rp.finish((back as { url: URL }).url, pending);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(user.id);
    expect(claims.email).toBe("ann@example.com");
    expect(claims.name).toBe("Ann Example");
    expect(claims.amr).toEqual(["pwd", "mfa", "otp"]);
    expect(claims.acr).toBe("http://schemas.openid.net/pape/policies/2007/06/multi-factor");
    expect(typeof claims.auth_time).toBe("number");
    expect(claims.iss).toBe(ctx.baseUrl);
    expect(tokens.refresh_token).toBeUndefined();
  });

  test("a second app sign-in in the same browser needs no password (single sign-on), and each is audited", async () => {
    const user = await ctx.createUser({ name: "Bob" });
    const secret = await enrollApp(ctx, user.email);
    const files = await registerOidcApp(ctx, { name: "Files" });
    const wiki = await registerOidcApp(ctx, { name: "Wiki", publicClient: true, redirectUri: "https://wiki.example.test/cb" });
    const browser = ctx.client();

    const filesRp = await RelyingParty.discover(ctx.baseUrl, { clientId: files.app.client_id!, clientSecret: files.clientSecret, auth: "post" });
    const first = await filesRp.start();
    const toLogin = await followAuthorization(browser, first.url.href);
    ctx.clock.advance(30_000);
    expect((await signInAt(browser, (toLogin as { location: string }).location, user.email)).location).toBe("/two-factor");
    const verified = await submitSignInCode(browser, totpCodeAt(secret, ctx.clock.nowMs()));
    const back = await followAuthorization(browser, verified.location!);
    expect((await filesRp.finish((back as { url: URL }).url, first)).claims()!.amr).toEqual(["pwd", "mfa", "otp"]);

    const wikiRp = await RelyingParty.discover(ctx.baseUrl, { clientId: wiki.app.client_id!, clientSecret: null, redirectUri: "https://wiki.example.test/cb" });
    const second = await wikiRp.start();
    const straight = await followAuthorization(browser, second.url.href, "https://wiki.example.test/cb");
    expect(straight.kind).toBe("callback");
    const claims = (await wikiRp.finish((straight as { url: URL }).url, second)).claims()!;
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(["pwd", "mfa", "otp"]);

    const appSignIns = (await auditEventsOf(ctx, user.id)).filter((e) => e.type === "app.signed_in").map((e) => JSON.parse(e.detail!).app);
    expect(appSignIns).toEqual(["Files", "Wiki"]);
    const dashboard = await browser.get("/");
    expect(dashboard.body).toContain("Signed in to Files");
    expect(dashboard.body).toContain("Signed in to Wiki");
  });
});
