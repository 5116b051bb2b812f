import { describe, expect, it } from "vitest";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import type { HttpClient } from "../support/http-client.ts";
import { clientWithUserAgent, enrollApp, startAppSetup, submitAppSetupCode, submitSignInCode, totpCodeAt } from "../support/two-factor.ts";

const HOSTILE_UA = `<script>alert(1)</script>"><img src=x onerror=alert(2)>&amp;`;

interface ActivityRow {
  datetime: string;
  what: string;
  from: string;
}

/** The rows of the "Recent security activity" table, top to bottom. */
function activityOf(html: string): ActivityRow[] {
  const section = /<h2 id="activity-heading">Recent security activity<\/h2>([\s\S]*?)<\/section>/.exec(html)?.[1];
  if (section === undefined) throw new Error("no Recent security activity section");
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(section)?.[1] ?? "";
  return [...body.matchAll(/<tr><td><time datetime="([^"]+)">[^<]*<\/time><\/td><td>([\s\S]*?)<\/td><td>([\s\S]*?)<\/td><\/tr>/g)].map((m) => ({ datetime: m[1]!, what: m[2]!, from: m[3]! }));
}

describe.each(TEST_DIALECTS)("dashboard: recent security activity (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  const iso = (ms: number) => new Date(ms).toISOString();

  /** Password, then (one second later) the app's code: two events at two distinct times. */
  async function signIn(client: HttpClient, email: string, secret: Buffer): Promise<number[]> {
    ctx.clock.advance(MINUTE_MS);
    const passwordAt = ctx.clock.nowMs();
    expect((await client.submit("/login", { email, password: TEST_PASSWORD })).location).toBe("/two-factor");
    ctx.clock.advance(1000);
    expect((await submitSignInCode(client, totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe("/");
    return [passwordAt, ctx.clock.nowMs()];
  }

  it("shows the last 10 of the user's own events, newest first, in plain words", async () => {
    const ann = await ctx.createUser({ email: "ann@example.com" });
    const bob = await ctx.createUser({ email: "bob@example.com" });
    const secret = await enrollApp(ctx, ann.email);
    const annTimes: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      ctx.clock.advance(2 * MINUTE_MS); // slower than the lockout (10 failures in 15 minutes)
      annTimes.push(ctx.clock.nowMs());
      expect((await ctx.client().submit("/login", { email: ann.email, password: "not the password" })).status).toBe(401);
      ctx.clock.advance(1000); // Bob's events fall between Ann's
      expect((await ctx.client().submit("/login", { email: bob.email, password: "not the password" })).status).toBe(401);
    }
    annTimes.push(...(await signIn(ctx.client(), ann.email, secret)));

    const client = ctx.client();
    annTimes.push(...(await signIn(client, ann.email, secret)));
    const rows = activityOf((await client.get("/")).body);

    expect(rows).toHaveLength(10);
    expect(rows.map((row) => row.datetime)).toEqual(annTimes.slice(-10).reverse().map(iso));
    expect(rows.slice(0, 4).map((row) => row.what)).toEqual(["Signed in", "Password accepted", "Signed in", "Password accepted"]);
    for (const row of rows.slice(4)) expect(row.what).toBe("Sign-in failed: wrong email or password");
    for (const row of rows) {
      expect(row.what).not.toMatch(/^[a-z_]+\.[a-z_]+$/); // words, not the stored type
      expect(row.from).toContain("127.0.0.1");
    }
    const bobTimes = new Set(annTimes.map((t) => iso(t + 1000)));
    expect(rows.filter((row) => bobTimes.has(row.datetime) && row.what.startsWith("Sign-in failed"))).toHaveLength(0);
  });

  it("events written in one moment are listed newest first too (set-up, then sign-in)", async () => {
    const ann = await ctx.createUser({ email: "ann@example.com" });
    const client = await ctx.signInWithPassword(ann.email);
    const secret = await startAppSetup(client);
    expect((await submitAppSetupCode(client, totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe("/");
    const rows = activityOf((await client.get("/")).body);
    expect(rows.map((row) => row.what)).toEqual(["Signed in", "Two-factor sign-in set up", "Password accepted"]);
  });

  it("a hostile user agent is shown as text, never as markup", async () => {
    const ann = await ctx.createUser({ email: "ann@example.com" });
    const secret = await enrollApp(ctx, ann.email);
    const client = clientWithUserAgent(ctx, HOSTILE_UA);
    await signIn(client, ann.email, secret);
    const html = (await client.get("/")).body;
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<img src=x");
    const rows = activityOf(html);
    expect(rows[0]!.from).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp;");
  });

  it("a user with no events yet sees that there is nothing", async () => {
    const ann = await ctx.createUser({ email: "ann@example.com" });
    const html = (await (await ctx.fullSessionClient(ann)).get("/")).body;
    expect(activityOf(html)).toEqual([]);
    expect(html).toMatch(/Recent security activity<\/h2>\s*<p>Nothing yet\.<\/p>/);
  });
});
