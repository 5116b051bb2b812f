import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { invitationText } from "../../src/auth/invitation.ts";
import { inviteUser } from "../../src/features/support-console/user-admin.service.ts";
import { contrastRatio } from "../../src/views/brand-colors.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { type FakeSmtp, startFakeSmtp } from "../support/fake-smtp.ts";
import { contentTypeOf, mailPart, mimeParts } from "../support/mime.ts";
import { enrollApp } from "../support/two-factor.ts";

const PUBLIC_URL = "https://portal.example.com";
const NAME = "Acme Client Services";
const HOSTILE_NAME = `<script>alert("x")</script> Ann`;

/** What a reader of the HTML part sees: its text without tags, entities decoded. */
function visibleText(markup: string): string {
  const body = markup.slice(markup.indexOf("<body"));
  const entities: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&amp;": "&" };
  return body.replace(/<br>/g, "\n").replace(/<[^>]+>/g, "").replace(/&(lt|gt|quot|#39|amp);/g, (entity) => entities[entity]!);
}

/** The HTML says everything the plain text says, line by line. */
function expectEveryLineShown(text: string, markup: string): void {
  const visible = visibleText(markup);
  const lines = text.split("\n").filter((line) => line.trim());
  expect(lines.length).toBeGreaterThan(3);
  for (const line of lines) expect(visible).toContain(line);
}

describe.each(TEST_DIALECTS)("the HTML alternative of e-mail, over SMTP (%s)", (dialect) => {
  let dir: string;
  let ctx: TestContext | null = null;
  let smtp: FakeSmtp | null = null;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-mail-brand-"));
    writeFileSync(join(dir, "logo.svg"), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 40"><rect width="160" height="40" fill="#123"/></svg>');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await ctx?.close();
    await smtp?.close();
    ctx = smtp = null;
  });

  async function start(env: Record<string, string>): Promise<TestContext> {
    smtp = await startFakeSmtp();
    ctx = await createTestContext(dialect, { env: { SMTP_URL: smtp.url, PUBLIC_URL, PORTAL_NAME: NAME, ...env }, mail: "smtp" });
    return ctx;
  }

  it("an invitation is multipart/alternative: the plain text as it always was, and HTML in the brand colour with the logo that escapes the invitee's name", async () => {
    const c = await start({ BRAND_COLOR: "#0d47a1", BRAND_LOGO_FILE: join(dir, "logo.svg") });
    const admin = await c.createUser({ role: "admin" });
    const invited = await inviteUser(c.testDb.database.db, c.deps, { agentId: admin.id, email: "ann@example.com", displayName: HOSTILE_NAME, role: "client", meta: { ip: "127.0.0.1", userAgent: "test" } });
    expect(invited.ok).toBe(true);
    await c.flushMail();

    expect(smtp!.messages).toHaveLength(1);
    const message = smtp!.messages[0]!;
    expect(contentTypeOf(message)).toBe("multipart/alternative");
    expect(mimeParts(message.data).map((part) => part.contentType)).toEqual(["text/plain", "text/html"]);

    const text = mailPart(message, "text/plain");
    const inviteUrl = new RegExp(`${PUBLIC_URL}/invite/\\S+`).exec(text)![0];
    expect(text).toBe(invitationText({ name: HOSTILE_NAME, portalName: NAME, inviteUrl }).body);

    const html = mailPart(message, "text/html");
    expect(html).toContain("background:#0d47a1;color:#ffffff;");
    const logoSrc = /<img src="([^"]+)" alt="Acme Client Services"/.exec(html)?.[1];
    expect(logoSrc).toMatch(new RegExp(`^${PUBLIC_URL}/assets/brand-logo\\?v=[0-9a-f]{16}$`));
    // The same logo the portal serves: a mail client fetches it from PUBLIC_URL.
    const served = await c.client().get(new URL(logoSrc!).pathname + new URL(logoSrc!).search);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/svg+xml");

    expect(html).not.toContain("<script");
    expect(html).toContain("Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ann,");
    expect(html).toContain(`<a href="${inviteUrl}" style="color:#0d47a1;`);
    // Nothing else is fetched from anywhere: one image, no style sheets, no background images.
    expect([...html.matchAll(/\ssrc="([^"]*)"/g)].map((match) => match[1])).toEqual([logoSrc]);
    expect(html).not.toMatch(/<link|url\(|@import/);
    expectEveryLineShown(text, html);
  });

  it("a security notice without a logo names the portal in a header whose text contrasts with the brand colour; every line of the text is in the HTML", async () => {
    const c = await start({ BRAND_COLOR: "#777777" });
    const user = await c.createUser({ email: "bo@example.com", name: "Bo" });
    await enrollApp(c, user.email);
    await c.flushMail();

    const message = smtp!.messages.at(-1)!;
    const text = mailPart(message, "text/plain");
    expect(text).toMatch(/two-factor sign-in was set up/i);
    const html = mailPart(message, "text/html");
    const header = /<div style="background:(#[0-9a-f]{6});color:(#[0-9a-f]{6});[^"]*"><span[^>]*>([^<]*)<\/span><\/div>/.exec(html);
    expect(header?.slice(1)).toEqual(["#717171", "#ffffff", NAME]);
    expect(contrastRatio(header![1]!, header![2]!)).toBeGreaterThanOrEqual(4.5);
    expect(html).not.toContain("<img");
    expectEveryLineShown(text, html);
    expect(html).toContain(`<a href="${PUBLIC_URL}/" style="color:#717171;`);
  });
});
