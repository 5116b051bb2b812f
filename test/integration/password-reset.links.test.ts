import { describe, expect, it } from "vitest";
import { PASSWORD_RESET_TTL_MS } from "../../src/features/password-reset/password-reset.service.ts";
import { MESSAGES } from "../support/messages.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";
import { mailedLinkPath } from "../support/mailed-links.ts";
import { enrollApp, enrollSms, lastSmsCode, totpCodeAt, wrongTotpCode } from "../support/two-factor.ts";

const NEW_PASSWORD = "a freshly chosen passphrase";
const NEW_PASSWORD_FIELD = '<label for="field-password">New password</label>';
const CODE_FIELD = '<label for="field-code">Six-digit code</label>';
const PHONE = "+447400123456";

describe.each(TEST_DIALECTS)("forgot-password links (%s)", (dialect) => {
  const ctx = useTestContext(dialect, { env: { TRUST_PROXY: "127.0.0.1" } });

  /** "Forgot password?" for `email`, from `ip` (X-Forwarded-For; the server trusts the proxy). */
  async function askForLink(email: string, ip = "198.51.100.1") {
    const client = ctx.client();
    const token = csrfTokenOf((await client.get("/forgot-password")).body);
    return client.postForm("/forgot-password", { _csrf: token, email }, { "x-forwarded-for": ip });
  }
  const linkFor = async (email: string) => {
    await askForLink(email);
    return mailedLinkPath(ctx, email, "reset-password");
  };
  const verify = (client: HttpClient, path: string, code: string) => client.submit(path, { code }, `${path}/verify`);
  const setPassword = (client: HttpClient, path: string, password = NEW_PASSWORD, formPage = path) => client.submit(formPage, { password, confirm: password }, `${path}/password`);
  const signInStatus = async (email: string, password: string) => (await ctx.client().submit("/login", { email, password })).status;
  const mailsTo = async (address: string) => (await ctx.testDb.database.db.selectFrom("outgoing_mail").select("id").where("to_address", "=", address).execute()).length;
  const main = (body: string) => /<main id="main">([\s\S]*)<\/main>/.exec(body)?.[1]?.replace(/name="_csrf" value="[^"]+"/g, "");

  it("works at 29:59 and is gone at 30:00, even when the second factor was proven before", async () => {
    const plain = await ctx.createUser();
    const withApp = await ctx.createUser();
    const secret = await enrollApp(ctx, withApp.email);
    const [plainPath, appPath] = [await linkFor(plain.email), await linkFor(withApp.email)];
    const start = ctx.clock.nowMs();
    const appBrowser = ctx.client();
    ctx.clock.set(start + 29 * MINUTE_MS);
    expect((await verify(appBrowser, appPath, totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe(appPath);
    expect((await appBrowser.get(appPath)).body).toContain(NEW_PASSWORD_FIELD);

    ctx.clock.set(start + PASSWORD_RESET_TTL_MS - 1000);
    const plainBrowser = ctx.client();
    expect((await plainBrowser.get(plainPath)).body).toContain(NEW_PASSWORD_FIELD);
    expect((await setPassword(plainBrowser, plainPath)).location).toBe("/login?notice=password-reset");

    ctx.clock.set(start + PASSWORD_RESET_TTL_MS);
    expect((await setPassword(appBrowser, appPath, NEW_PASSWORD, "/login")).status).toBe(410);
    expect((await appBrowser.get(appPath)).status).toBe(410);
    expect(await signInStatus(withApp.email, TEST_PASSWORD)).toBe(303);
    expect(await signInStatus(plain.email, NEW_PASSWORD)).toBe(303);
  });

  it("works once: after the new password is saved (by one of two concurrent forms) the link is gone everywhere", async () => {
    const user = await ctx.createUser();
    const path = await linkFor(user.email);
    const browsers = [ctx.client(), ctx.client()];
    const tokens = await Promise.all(browsers.map(async (b) => csrfTokenOf((await b.get(path)).body)));
    const answers = await Promise.all(browsers.map((b, i) => b.postForm(`${path}/password`, { _csrf: tokens[i]!, password: `${NEW_PASSWORD} ${i}`, confirm: `${NEW_PASSWORD} ${i}` })));
    expect(answers.map((a) => a.status).sort()).toEqual([303, 410]);
    const winner = `${NEW_PASSWORD} ${answers.findIndex((a) => a.status === 303)}`;
    expect((await ctx.client().get(path)).status).toBe(410);
    expect((await setPassword(ctx.client(), path, "a replayed passphrase", "/login")).status).toBe(410);
    expect(await signInStatus(user.email, winner)).toBe(303);
  });

  // What we found: a second request does not replace the first link. Both work, each on its own (a
  // factor proven on one does not open the other), until a password is saved with either: then the
  // other is gone too, so an older e-mail cannot be used to change the password again.
  it("a second request sends a second link and replaces nothing; the two are independent until one is used", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const first = await linkFor(user.email);
    const second = await linkFor(user.email);
    expect(second).not.toBe(first);
    const browser = ctx.client();
    ctx.clock.advance(30_000);
    expect((await verify(browser, first, totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe(first);
    expect((await browser.get(first)).body).toContain(NEW_PASSWORD_FIELD);
    const other = await browser.get(second);
    expect(other.body).toContain(CODE_FIELD);
    expect(other.body).not.toContain(NEW_PASSWORD_FIELD);
    expect((await setPassword(browser, first)).location).toBe("/login?notice=password-reset");
    expect((await ctx.client().get(second)).status).toBe(410);
  });

  it("per address: the 4th request within an hour sends nothing and gets the same page; an hour later it works again", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const pages = [];
    for (const typed of ["ann@example.com", "ANN@example.com", " Ann@Example.com ", "ann@example.com"]) pages.push(await askForLink(typed, `203.0.113.${pages.length + 1}`));
    await ctx.flushMail();
    expect(await mailsTo(user.email)).toBe(3);
    for (const page of pages) expect([page.status, page.location]).toEqual([303, "/forgot-password/sent"]); // the same answer, a redirect
    ctx.clock.advance(60 * MINUTE_MS);
    await askForLink(user.email);
    expect(await mailsTo(user.email)).toBe(4);
  });

  it("per IP: after 20 requests from one address the 21st sends nothing, for any account; another address is not held up", async () => {
    const user = await ctx.createUser();
    for (let n = 0; n < 20; n += 1) expect((await askForLink(`nobody${n}@example.com`, "192.0.2.9")).status).toBe(303);
    const refused = await askForLink(user.email, "192.0.2.9");
    expect(refused.location).toBe((await askForLink("nobody@example.com", "192.0.2.10")).location);
    expect(await mailsTo(user.email)).toBe(0);
    await askForLink(user.email, "192.0.2.10");
    expect(await mailsTo(user.email)).toBe(1);
  });

  it("a user without a second factor resets with the link alone, is not signed in, and faces the forced set-up at sign-in", async () => {
    const user = await ctx.createUser();
    const path = await linkFor(user.email);
    const browser = ctx.client();
    const page = await browser.get(path);
    expect(page.body).toContain(NEW_PASSWORD_FIELD);
    expect(page.body).not.toContain(CODE_FIELD);
    expect((await setPassword(browser, path)).location).toBe("/login?notice=password-reset");
    expect((await browser.get("/")).location).toBe("/login");
    const signedIn = await ctx.signInWithPassword(user.email, NEW_PASSWORD);
    expect((await signedIn.get("/")).location).toBe("/two-factor/setup");
    expect((await signedIn.get("/two-factor/setup")).body).toContain("Manage Two-Factor Login");
  });

  it("an SMS user must ask for the SMS code and enter it before New password appears", async () => {
    const user = await ctx.createUser();
    await enrollSms(ctx, user.email, PHONE);
    const path = await linkFor(user.email);
    const browser = ctx.client();
    const first = await browser.get(path);
    expect(first.body).toContain(">Send code</button>");
    expect(first.body).not.toContain(CODE_FIELD);
    expect(first.body).not.toContain(NEW_PASSWORD_FIELD);
    expect((await setPassword(browser, path)).location).toBe(path); // skipping the code changes nothing
    const enrolmentCode = lastSmsCode(ctx, PHONE);
    expect((await browser.submit(path, {}, `${path}/send`)).location).toBe(path);
    const code = lastSmsCode(ctx, PHONE);
    expect(ctx.outbox.list().filter((entry) => entry.to === PHONE)).toHaveLength(2);
    const codePage = await browser.get(path);
    expect(codePage.body).toContain(CODE_FIELD);
    expect(codePage.body).toContain(">Verify</button>");
    expect(codePage.body).not.toContain(NEW_PASSWORD_FIELD);
    expect(code).not.toBe(enrolmentCode);
    expect((await verify(browser, path, code)).location).toBe(path);
    expect((await browser.get(path)).body).toContain(NEW_PASSWORD_FIELD);
    expect((await setPassword(browser, path)).location).toBe("/login?notice=password-reset");
    expect(await signInStatus(user.email, NEW_PASSWORD)).toBe(303);
  });

  it("five wrong codes block the sixth, even a right one; New password never appears", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const path = await linkFor(user.email);
    const browser = ctx.client();
    ctx.clock.advance(30_000);
    for (let n = 0; n < 5; n += 1) {
      const wrong = await verify(browser, path, wrongTotpCode(secret, ctx.clock.nowMs()));
      expect([wrong.status, wrong.body.includes(MESSAGES.codeWrong)]).toEqual([400, true]);
    }
    const sixth = await verify(browser, path, totpCodeAt(secret, ctx.clock.nowMs()));
    expect(sixth.status).toBe(429);
    expect(sixth.body).toContain(MESSAGES.tooManyCodes);
    expect((await browser.get(path)).body).not.toContain(NEW_PASSWORD_FIELD);
    expect((await setPassword(browser, path)).location).toBe(path);
    expect(await signInStatus(user.email, TEST_PASSWORD)).toBe(303);
  });

  it("a reset never signs in: the recovery session reaches none of /, /two-factor, /account/profile, before or after", async () => {
    const user = await ctx.createUser({ name: "Rita Recovery" });
    const secret = await enrollApp(ctx, user.email);
    const path = await linkFor(user.email);
    const browser = ctx.client();
    ctx.clock.advance(30_000);
    expect((await verify(browser, path, totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe(path);
    const pages = ["/", "/two-factor", "/account/profile", "/account/password"];
    for (const page of pages) expect((await browser.get(page)).location, page).toBe("/login");
    expect((await setPassword(browser, path)).location).toBe("/login?notice=password-reset");
    for (const page of pages) expect((await browser.get(page)).location, page).toBe("/login");
    expect(await ctx.testDb.database.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
  });

  it("the recovery session is invisible to every other page: the header shows no user", async () => {
    const user = await ctx.createUser({ name: "Rita Recovery" });
    await enrollSms(ctx, user.email, PHONE);
    const path = await linkFor(user.email);
    const browser = ctx.client();
    expect((await browser.submit(path, {}, `${path}/send`)).location).toBe(path);
    for (const page of ["/login", "/forgot-password", "/no-such-page"]) {
      const response = await browser.get(page);
      expect(response.body, page).not.toContain("Rita Recovery");
      expect(response.body, page).not.toContain("user-menu");
      expect(response.body, page).not.toContain(">Sign out</button>");
    }
    expect((await browser.get(path)).body).toContain(CODE_FIELD); // still there for its own link
  });
});
