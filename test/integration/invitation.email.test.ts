import { describe, expect, it } from "vitest";
import { INVITE_TTL_MS } from "../../src/auth/one-time-link.ts";
import { sha256Hex } from "../../src/crypto/hash.ts";
import { auditRowsOfType, staffClient, userRow } from "../support/admin.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useSharedTestContext } from "../support/fixtures.ts";
import { choosePassword, inviteLinkRow, inviteWithCli, linkPathIn, mailedLinkPath } from "../support/mailed-links.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";
import { startAppSetup, submitAppSetupCode, totpCodeAt } from "../support/two-factor.ts";

const PASSWORD = "an invited user's passphrase";
const GONE = "Ask your administrator for a new invitation.";

describe.each(TEST_DIALECTS)("invitation e-mail (%s)", (dialect) => {
  const ctx = useSharedTestContext(dialect);

  const mailRowsTo = (address: string) => ctx.testDb.database.db.selectFrom("outgoing_mail").selectAll().where("to_address", "=", address).execute();

  it("a user created by the CLI is e-mailed the link it prints; the link opens Choose your password and leads into the forced set-up", async () => {
    const { cli, link } = await inviteWithCli(ctx, "ivy@example.com", "Ivy Invited");
    const printed = linkPathIn(cli.stdout, "invite");
    expect(cli.stdout).toContain("The portal e-mails this link to ivy@example.com.");
    const path = await mailedLinkPath(ctx, "ivy@example.com", "invite");
    expect(path).toBe(printed);
    const mail = ctx.outbox.latestTo("ivy@example.com")!;
    expect(mail.subject).toBe("Gatehouse: your invitation");
    expect(mail.body).toMatch(/^Hello Ivy Invited,\n/);
    expect(mail.body).toContain("within 72 hours. It works once");
    // Only the hash is stored, and the sent message's body (holding the link) is cleared.
    expect(link.id).toBe(sha256Hex(path.split("/").pop()!));
    expect(await mailRowsTo("ivy@example.com")).toEqual([expect.objectContaining({ body: null, sent_at: expect.any(Number) })]);
    const [created] = await auditRowsOfType(ctx, "user.created");
    expect(created).toMatchObject({ actor_user_id: null, subject_user_id: link.user_id, detail: { role: "client", via: "cli" } });

    const client = ctx.client();
    const page = await client.get(path);
    expect(page.body).toContain("<h1>Choose your password</h1>");
    expect(page.body).toContain('<label for="field-password">Password</label>');
    expect(page.body).toContain('<label for="field-confirm">Confirm password</label>');
    expect((await choosePassword(client, path, PASSWORD)).location).toBe("/two-factor");
    expect((await client.get("/")).location).toBe("/two-factor/setup");
    const secret = await startAppSetup(client);
    expect((await submitAppSetupCode(client, totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe("/");
    expect((await client.get("/")).body).toContain("<h1>Dashboard</h1>");
  });

  it("the link works once: a second use, even a concurrent one, is refused and changes nothing", async () => {
    await inviteWithCli(ctx, "ivy@example.com", "Ivy Invited");
    const path = await mailedLinkPath(ctx, "ivy@example.com", "invite");
    const [first, second] = [ctx.client(), ctx.client()];
    const tokens = await Promise.all([first, second].map(async (client) => csrfTokenOf((await client.get(path)).body)));
    const post = (client: HttpClient, token: string, password: string) => client.postForm(path, { _csrf: token, password, confirm: password });
    const answers = await Promise.all([post(first, tokens[0]!, PASSWORD), post(second, tokens[1]!, `${PASSWORD} two`)]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 410]);
    const winner = answers[0]!.status === 303 ? PASSWORD : `${PASSWORD} two`;
    const later = await ctx.client().get(path);
    expect(later.status).toBe(410);
    expect(later.body).toContain(GONE);
    expect((await choosePassword(ctx.client(), path, "yet another passphrase", "/login")).status).toBe(410);
    expect((await ctx.client().submit("/login", { email: "ivy@example.com", password: winner })).status).toBe(303);
    expect((await ctx.client().submit("/login", { email: "ivy@example.com", password: "yet another passphrase" })).status).toBe(401);
  });

  it("the e-mailed link still works at 71:59 and has expired at 72:00 exactly", async () => {
    const { link: early } = await inviteWithCli(ctx, "early@example.com", "Early Bird");
    const earlyPath = await mailedLinkPath(ctx, "early@example.com", "invite");
    const { link: late } = await inviteWithCli(ctx, "late@example.com", "Late Comer");
    const latePath = await mailedLinkPath(ctx, "late@example.com", "invite");
    expect(early.expires_at - early.created_at).toBe(INVITE_TTL_MS);

    ctx.clock.set(early.created_at + INVITE_TTL_MS - MINUTE_MS);
    const client = ctx.client();
    expect((await client.get(earlyPath)).status).toBe(200);
    expect((await choosePassword(client, earlyPath, PASSWORD)).location).toBe("/two-factor");

    ctx.clock.set(late.created_at + INVITE_TTL_MS);
    const expired = await ctx.client().get(latePath);
    expect(expired.status).toBe(410);
    expect(expired.body).toContain(`It has expired. ${GONE}`);
    expect((await choosePassword(ctx.client(), latePath, PASSWORD, "/login")).status).toBe(410);
    expect((await userRow(ctx, late.user_id!)).password_hash).toBeNull();
  });

  it("a user an administrator creates in the console is e-mailed the link the page shows once; a refused create e-mails nobody", async () => {
    const admin = await staffClient(ctx, "admin");
    const created = await admin.client.submit("/admin/users/new", { email: "Bo@Example.com", name: "Bo Console", role: "client" }, "/admin/users");
    expect(created.status).toBe(201);
    expect(created.body).toContain("We are e-mailing them this invitation link.");
    const path = await mailedLinkPath(ctx, "Bo@Example.com", "invite");
    expect(path).toBe(linkPathIn(created.body, "invite"));
    expect(ctx.outbox.latestTo("Bo@Example.com")!.body).toMatch(/^Hello Bo Console,\n/);
    const link = await inviteLinkRow(ctx, "bo@example.com");
    expect(link.expires_at - link.created_at).toBe(INVITE_TTL_MS);
    const [audit] = await auditRowsOfType(ctx, "user.created");
    expect(audit).toMatchObject({ actor_user_id: admin.user.id, subject_user_id: link.user_id, detail: { via: "console" } });

    const again = await admin.client.submit("/admin/users/new", { email: "bo@example.com", name: "Bo Again", role: "client" }, "/admin/users");
    expect(again.status).toBe(409);
    expect(await mailRowsTo("bo@example.com")).toEqual([]);
    expect(await mailRowsTo("Bo@Example.com")).toHaveLength(1);

    const client = ctx.client();
    expect((await client.get(path)).body).toContain("<h1>Choose your password</h1>");
    expect((await choosePassword(client, path, PASSWORD)).location).toBe("/two-factor");
    expect((await client.get("/")).location).toBe("/two-factor/setup");
    expect((await ctx.client().get(path)).status).toBe(410);
  });
});
