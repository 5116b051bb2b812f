import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createMailQueue, MAX_MAIL_ATTEMPTS, retryDelayMs } from "../../src/adapters/mail/mail-queue.ts";
import { SECOND_FACTOR_FAILURES } from "../../src/auth/lockout.ts";
import { queueMail } from "../../src/auth/outgoing-mail.ts";
import { noticeComposer } from "../../src/app.ts";
import { createTestContext, TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { metricValue, scrape } from "../support/metrics-text.ts";
import { enrollApp, enrollSms, lastSmsCode, sendSmsSetupCode, submitSignInCode, totpCodeAt, wrongTotpCode } from "../support/two-factor.ts";

const DURATION = "gatehouse_http_request_duration_seconds_count";
const SECOND_FACTOR = "gatehouse_second_factor_total";

describe.each(TEST_DIALECTS)("/metrics (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  it("answers in Prometheus text format, timing requests by route pattern and status class, never by URL", async () => {
    const token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE";
    expect((await ctx.client().get(`/reset-password/${token}`)).status).toBeGreaterThanOrEqual(400);
    expect((await ctx.client().get("/healthz")).status).toBe(200);
    expect((await ctx.client().get(`/no/such/${token}`)).status).toBe(404);
    const response = await ctx.client().get("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.body).toContain("# TYPE gatehouse_http_request_duration_seconds histogram");
    expect(response.body).not.toContain(token);
    const samples = await scrape(ctx.client());
    expect(metricValue(samples, DURATION, { method: "GET", route: "/reset-password/:token", status_class: "4xx" })).toBe(1);
    expect(metricValue(samples, DURATION, { method: "GET", route: "/healthz", status_class: "2xx" })).toBe(1);
    expect(metricValue(samples, DURATION, { route: "unmatched", status_class: "4xx" })).toBe(1);
    const routes = new Set(samples.filter((s) => s.name === DURATION).map((s) => s.labels.route));
    expect([...routes].sort()).toEqual(["/healthz", "/metrics", "/reset-password/:token", "unmatched"]);
    // Which version runs on which Node.js: one series, value 1.
    const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
    expect(samples.filter((s) => s.name === "gatehouse_build_info")).toEqual([{ name: "gatehouse_build_info", labels: { version, node: process.versions.node }, value: 1 }]);
  });

  it("counts password steps, completed sign-ins and second-factor results by method, and e-mails sent", async () => {
    const ann = await ctx.createUser({ email: "ann@example.com" });
    const bob = await ctx.createUser({ email: "bob@example.com" });
    expect((await ctx.client().submit("/login", { email: ann.email, password: `${TEST_PASSWORD}!` })).status).toBe(401);
    const secret = await enrollApp(ctx, ann.email);
    await enrollSms(ctx, bob.email, "+447400123456");
    ctx.clock.advance(MINUTE_MS);
    const annClient = await ctx.signInWithPassword(ann.email);
    expect((await submitSignInCode(annClient, wrongTotpCode(secret, ctx.clock.nowMs()))).status).toBe(400);
    expect((await submitSignInCode(annClient, totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe("/");
    const bobClient = await ctx.signInWithPassword(bob.email);
    expect((await submitSignInCode(bobClient, lastSmsCode(ctx, "+447400123456"))).location).toBe("/");
    await ctx.flushMail();

    const samples = await scrape(ctx.client());
    expect(metricValue(samples, "gatehouse_sign_in_password_total", { outcome: "failure" })).toBe(1);
    expect(metricValue(samples, "gatehouse_sign_in_password_total", { outcome: "success" })).toBe(4);
    expect(metricValue(samples, "gatehouse_sign_ins_total", { method: "totp" })).toBe(2);
    expect(metricValue(samples, "gatehouse_sign_ins_total", { method: "sms" })).toBe(2);
    expect(metricValue(samples, SECOND_FACTOR, { method: "totp", purpose: "setup", outcome: "success" })).toBe(1);
    expect(metricValue(samples, SECOND_FACTOR, { method: "sms", purpose: "setup", outcome: "success" })).toBe(1);
    expect(metricValue(samples, SECOND_FACTOR, { method: "totp", purpose: "signin", outcome: "failure" })).toBe(1);
    expect(metricValue(samples, SECOND_FACTOR, { method: "sms", purpose: "signin", outcome: "failure" })).toBe(0);
    // One set-up code and one sign-in code, both texted.
    expect(metricValue(samples, "gatehouse_sms_total", { outcome: "sent" })).toBe(2);
    expect(metricValue(samples, "gatehouse_sms_total", { purpose: "signin", outcome: "sent" })).toBe(1);
    // Each set-up is a security notice e-mailed to its owner.
    expect(metricValue(samples, "gatehouse_emails_total", { outcome: "sent" })).toBe(2);
    expect(metricValue(samples, "gatehouse_audit_events_total", { type: "two_factor.setup" })).toBe(2);
  });

  it("counts a second-factor lockout once", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const secret = await enrollApp(ctx, user.email);
    ctx.clock.advance(MINUTE_MS);
    for (let session = 0; session < 2; session += 1) {
      const client = await ctx.signInWithPassword(user.email);
      for (let i = 0; i < SECOND_FACTOR_FAILURES.limit / 2; i += 1) await submitSignInCode(client, wrongTotpCode(secret, ctx.clock.nowMs()));
    }
    expect((await submitSignInCode(await ctx.signInWithPassword(user.email), totpCodeAt(secret, ctx.clock.nowMs()))).status).toBe(429);
    const samples = await scrape(ctx.client());
    expect(metricValue(samples, "gatehouse_lockouts_total", { step: "second_factor" })).toBe(1);
    expect(metricValue(samples, "gatehouse_lockouts_total", { step: "password" })).toBe(0);
  });

  it("counts e-mail that failed, and e-mail given up on, apart from e-mail sent", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const db = ctx.testDb.database.db;
    await queueMail(db, ctx.deps, { userId: user.id, to: user.email, subject: "Hello", body: "A message." });
    await db.updateTable("outgoing_mail").set({ attempts: MAX_MAIL_ATTEMPTS - 2 }).execute();
    // Delivered through a mail server that refuses everything, reporting to this server's metrics.
    const refusing = { send: async () => Promise.reject(new Error("550 refused")) };
    const silent = () => {};
    const queue = createMailQueue({ db, mailer: refusing, clock: ctx.clock, composeNotice: noticeComposer(ctx.deps.config), log: { warn: silent, error: silent }, onDelivery: ctx.deps.metrics!.recordMail });
    await queue.deliverDue();
    ctx.clock.advance(retryDelayMs(MAX_MAIL_ATTEMPTS - 1));
    await queue.deliverDue();
    const samples = await scrape(ctx.client());
    expect(metricValue(samples, "gatehouse_emails_total", { outcome: "failed" })).toBe(1);
    expect(metricValue(samples, "gatehouse_emails_total", { outcome: "abandoned" })).toBe(1);
    expect(metricValue(samples, "gatehouse_emails_total", { outcome: "sent" })).toBe(0);
  });
});

describe("/metrics of several servers in one process", () => {
  it("each server counts only its own requests and SMS failures (a registry per instance)", async () => {
    const failing = { send: async () => Promise.reject(new Error("provider down")) };
    const [first, second] = [await createTestContext("sqlite", { sms: failing }), await createTestContext("sqlite")];
    try {
      const client = await first.signInWithPassword((await first.createUser()).email);
      expect((await sendSmsSetupCode(client, "+447400123456")).status).toBe(502);
      await second.client().get("/healthz");
      const [a, b] = [await scrape(first.client()), await scrape(second.client())];
      expect(metricValue(a, "gatehouse_sms_total", { purpose: "setup", outcome: "failed" })).toBe(1);
      expect(metricValue(b, "gatehouse_sms_total")).toBe(0);
      expect(metricValue(a, DURATION, { route: "/healthz" })).toBe(0);
      expect(metricValue(b, DURATION, { route: "/healthz" })).toBe(1);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
