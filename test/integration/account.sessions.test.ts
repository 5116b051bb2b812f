import { describe, expect, it } from "vitest";
import { createSession, SESSION_IDLE_MS } from "../../src/auth/session.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import type { Session, SessionStage, User } from "../../src/db/schema.ts";
import { sessionCookieName } from "../../src/http/cookies.ts";
import { formatUtc } from "../../src/views/time.ts";
import { auditRowsOfType, expectNotFoundPage } from "../support/admin.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { type HttpClient } from "../support/http-client.ts";
import { clientWithUserAgent } from "../support/two-factor.ts";

const CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0";
const SAFARI_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

describe.each(TEST_DIALECTS)("the Sessions page (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  /** A session made in the database, and a client (with that browser's User-Agent) holding it. */
  async function sessionOf(user: User, o: { stage?: SessionStage; ip?: string; userAgent?: string } = {}): Promise<{ session: Session; client: HttpClient }> {
    const userAgent = o.userAgent ?? CHROME_LINUX;
    const stage = o.stage ?? "full";
    const meta = { ip: o.ip ?? "127.0.0.1", userAgent };
    const { token, session } = await createSession(ctx.testDb.database.db, { clock: ctx.clock, random: cryptoRandom }, user.id, { stage, meta, secondFactorAt: stage === "full" ? ctx.clock.nowMs() : null });
    const client = clientWithUserAgent(ctx, userAgent);
    client.setCookie(sessionCookieName(ctx.deps.config), token);
    return { session, client };
  }

  const liveSessionIds = async (userId: string) =>
    (await ctx.testDb.database.db.selectFrom("sessions").select("id").where("user_id", "=", userId).orderBy("id").execute()).map((row) => row.id);
  const signOutOne = (client: HttpClient, handle: string) => client.submit("/account/sessions", {}, `/account/sessions/${handle}/sign-out`);

  it("lists the user's own live sessions with device, IP, times, 'This device' and 'Signing in', and never a session id", async () => {
    const ann = await ctx.createUser({ email: "ann@example.com" });
    const bob = await ctx.createUser({ email: "bob@example.com" });
    const signedInAt = ctx.clock.nowMs();
    const laptop = await sessionOf(ann, { ip: "203.0.113.5", userAgent: FIREFOX_WINDOWS });
    const stale = await sessionOf(ann, { ip: "192.0.2.99" });
    ctx.clock.advance(SESSION_IDLE_MS - MINUTE_MS);
    await laptop.client.get("/"); // seen again: last seen moves on
    ctx.clock.advance(2 * MINUTE_MS); // `stale` is now past its idle limit
    await sessionOf(ann, { stage: "pending", ip: "198.51.100.7", userAgent: SAFARI_IPHONE });
    ctx.clock.advance(1_000);
    await sessionOf(ann, { stage: "recovery", ip: "198.51.100.8", userAgent: FIREFOX_WINDOWS }); // a password-reset link's
    await sessionOf(bob, { ip: "192.0.2.200" });
    const current = await sessionOf(ann, { ip: "127.0.0.9" });

    const page = await current.client.get("/account/sessions");
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.body).toContain("<h1>Sessions</h1>");
    const rows = page.body.split("<tr>").slice(2); // past the header row
    expect(rows).toHaveLength(4);
    expect(rows[0]).toContain("Chrome on Linux");
    expect(rows[0]).toContain("This device");
    expect(rows[0]).not.toContain("Sign out");
    expect(rows[1]).toContain("198.51.100.8"); // then the most recently seen
    expect(rows[1]).toContain("Signing in");
    expect(rows[2]).toContain("Safari on iPhone");
    expect(rows[2]).toContain("Signing in");
    expect(rows[3]).toContain("Firefox on Windows");
    expect(rows[3]).not.toContain("Signing in");
    expect(rows[3]).toContain("203.0.113.5");
    expect(rows[3]).toContain(formatUtc(signedInAt));
    expect(rows[3]).toContain(formatUtc(signedInAt + SESSION_IDLE_MS - MINUTE_MS));
    expect(rows[3]).toContain(`action="/account/sessions/${laptop.session.handle}/sign-out"`);
    expect(page.body).not.toContain("192.0.2.99"); // idle past its limit
    expect(page.body).not.toContain("192.0.2.200"); // another user's
    for (const id of await ctx.testDb.database.db.selectFrom("sessions").select("id").execute()) expect(page.body).not.toContain(id.id);
    expect(page.body.match(/>Sign out<\/button>/g)).toHaveLength(4); // three sessions, and the user menu's
    expect(page.body).toContain(">Sign out everywhere else</button>");
    expect(stale.session.handle).toMatch(/^[0-9a-f]{32}$/);
  });

  it("'Sign out' ends that one session, is recorded as session.revoked, and says so", async () => {
    const ann = await ctx.createUser();
    const other = await sessionOf(ann, { userAgent: FIREFOX_WINDOWS });
    const kept = await sessionOf(ann, { stage: "pending" });
    const current = await sessionOf(ann);
    const response = await signOutOne(current.client, other.session.handle);
    expect(response.status).toBe(303);
    expect(response.location).toBe("/account/sessions");
    expect((await other.client.get("/")).location).toBe("/login");
    expect(await liveSessionIds(ann.id)).toEqual([kept.session.id, current.session.id].sort());
    const after = await current.client.get("/account/sessions");
    expect(after.body).toContain("The session was signed out.");
    expect(after.body).not.toContain("Firefox on Windows");
    const events = await auditRowsOfType(ctx, "session.revoked");
    expect(events).toMatchObject([{ actor_user_id: ann.id, subject_user_id: ann.id }]);
    expect((await current.client.get("/")).body).toContain("Another session signed out");
  });

  it("another user's session, an unknown or malformed handle, and this session's own get 404 and change nothing", async () => {
    const ann = await ctx.createUser();
    const bob = await ctx.createUser();
    const bobs = await sessionOf(bob);
    const current = await sessionOf(ann);
    const before = [...(await liveSessionIds(ann.id)), ...(await liveSessionIds(bob.id))];
    for (const handle of [bobs.session.handle, "0".repeat(32), "not-a-handle", current.session.handle, current.session.id]) {
      await expectNotFoundPage(ctx, await signOutOne(current.client, handle));
    }
    expect([...(await liveSessionIds(ann.id)), ...(await liveSessionIds(bob.id))]).toEqual(before);
    expect((await bobs.client.get("/")).status).toBe(200);
    expect(await auditRowsOfType(ctx, "session.revoked")).toEqual([]);
  });

  it("'Sign out everywhere else' ends every other session, pending and recovery ones too, keeps this one, and records how many", async () => {
    const ann = await ctx.createUser();
    const bob = await ctx.createUser();
    const others = [await sessionOf(ann), await sessionOf(ann, { stage: "pending" }), await sessionOf(ann, { stage: "recovery" }), await sessionOf(ann, { userAgent: SAFARI_IPHONE })];
    const bobs = await sessionOf(bob);
    const current = await sessionOf(ann);
    const response = await current.client.submit("/account/sessions", {}, "/account/sessions/sign-out-others");
    expect(response.location).toBe("/account/sessions");
    expect(await liveSessionIds(ann.id)).toEqual([current.session.id]);
    for (const other of others) expect((await other.client.get("/")).location).toBe("/login");
    expect((await bobs.client.get("/")).status).toBe(200);
    const page = await current.client.get("/account/sessions");
    expect(page.body).toContain("4 other sessions were signed out.");
    expect(page.body).toContain("You are signed in on this device only.");
    expect(page.body).not.toContain("Sign out everywhere else");
    const events = await auditRowsOfType(ctx, "session.revoked_others");
    expect(events).toMatchObject([{ actor_user_id: ann.id, subject_user_id: ann.id, detail: { count: 4 } }]);
  });

  it("the forms need their CSRF token and take no fields", async () => {
    const ann = await ctx.createUser();
    const other = await sessionOf(ann);
    const current = await sessionOf(ann);
    await current.client.get("/account/sessions");
    expect((await current.client.postForm(`/account/sessions/${other.session.handle}/sign-out`, {})).status).toBe(403);
    expect((await current.client.postForm("/account/sessions/sign-out-others", {})).status).toBe(403);
    const extra = await current.client.submit("/account/sessions", { user_id: "someone-else" }, "/account/sessions/sign-out-others");
    expect(extra.status).toBe(400);
    expect(extra.body).toContain("should not have: user_id");
    expect(await liveSessionIds(ann.id)).toHaveLength(2);
  });

  it("is in the user menu of a full session, between Profile and Sign out; a pending session is sent to its second factor", async () => {
    const ann = await ctx.createUser();
    const full = await sessionOf(ann);
    const menu = (await full.client.get("/")).body;
    const [profile, sessions, signOut] = ['href="/account/profile"', 'href="/account/sessions"', ">Sign out</button>"].map((s) => menu.indexOf(s));
    expect(profile).toBeGreaterThan(0);
    expect(sessions).toBeGreaterThan(profile!);
    expect(signOut).toBeGreaterThan(sessions!);
    const pending = await sessionOf(ann, { stage: "pending" });
    expect((await pending.client.get("/account/sessions")).location).toBe("/two-factor/setup");
    const pendingMenu = (await pending.client.get("/two-factor/setup")).body;
    expect(pendingMenu).not.toContain('href="/account/sessions"');
    expect((await ctx.client().get("/account/sessions")).location).toBe("/login");
  });
});
