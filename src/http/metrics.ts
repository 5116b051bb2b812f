import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { argon2Load } from "../auth/password.ts";
import type { FastifyInstance } from "fastify";
import type { AuditEventType, AuditListener } from "../auth/audit.ts";
import { GATEHOUSE_VERSION } from "../config/version.ts";
import type { SmsPurpose } from "../db/schema.ts";

export type SmsOutcome = "sent" | "failed" | "rate_limited" | "cooldown" | "country_not_allowed";
export type MailOutcome = "sent" | "failed" | "abandoned";

/**
 * The portal's Prometheus metrics, in a registry of its own (never prom-client's global one), so a
 * process — or a test — may build several servers. Labels are closed sets: route patterns, never URLs;
 * no user, address or phone number ever becomes a label.
 */
export interface Metrics {
  readonly registry: Registry;
  observeRequest(input: { method: string; route: string; statusCode: number; seconds: number }): void;
  recordSms(purpose: SmsPurpose, outcome: SmsOutcome): void;
  recordMail(outcome: MailOutcome): void;
  /** A sign-in shed before its password check (it writes no audit event, so it is counted here). */
  recordSignInShed(): void;
  /** Counts sign-ins, second-factor results and lockouts from the audit events the domain writes. */
  readonly auditListener: AuditListener;
}

// Sign-in pages answer in well under a second; argon2 (≈20 ms per hash on one core) dominates the slow end.
const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Which second-factor check an audit event reports, and whether it passed. */
const SECOND_FACTOR_EVENTS: Partial<Record<AuditEventType, { purpose: string; outcome: "success" | "failure" }>> = {
  "signin.completed": { purpose: "signin", outcome: "success" },
  "signin.second_factor_failed": { purpose: "signin", outcome: "failure" },
  "two_factor.setup": { purpose: "setup", outcome: "success" },
  "two_factor.key_replaced": { purpose: "setup", outcome: "success" },
  "two_factor.phone_changed": { purpose: "setup", outcome: "success" },
  "two_factor.switched": { purpose: "setup", outcome: "success" },
  "two_factor.step_up": { purpose: "step_up", outcome: "success" },
  "two_factor.step_up_failed": { purpose: "step_up", outcome: "failure" },
  // The reset code goes by SMS to the fallback phone.
  "two_factor.reset": { purpose: "reset", outcome: "success" },
  "two_factor.reset_failed": { purpose: "reset", outcome: "failure" },
};

const METHODS = new Set(["totp", "sms"]);

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  // Process metrics (CPU, memory, event-loop lag) in production; tests build many servers and skip them.
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requestDuration = new Histogram({
    name: "gatehouse_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by route pattern and status class",
    labelNames: ["method", "route", "status_class"] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers,
  });
  const passwordSteps = new Counter({ name: "gatehouse_sign_in_password_total", help: "Password steps of sign-in, by outcome", labelNames: ["outcome"] as const, registers });
  const signIns = new Counter({ name: "gatehouse_sign_ins_total", help: "Completed sign-ins (a full session issued), by second-factor method", labelNames: ["method"] as const, registers });
  const secondFactor = new Counter({
    name: "gatehouse_second_factor_total",
    help: "Second-factor code checks that were recorded, by method, purpose and outcome",
    labelNames: ["method", "purpose", "outcome"] as const,
    registers,
  });
  const lockouts = new Counter({ name: "gatehouse_lockouts_total", help: "Accounts locked after too many failures, by step", labelNames: ["step"] as const, registers });
  const sms = new Counter({ name: "gatehouse_sms_total", help: "SMS codes requested, by purpose and outcome (sent, failed, or refused before sending)", labelNames: ["purpose", "outcome"] as const, registers });
  const mail = new Counter({ name: "gatehouse_emails_total", help: "E-mail delivery attempts, by outcome (abandoned: failed for the last time)", labelNames: ["outcome"] as const, registers });
  const auditEvents = new Counter({ name: "gatehouse_audit_events_total", help: "Security audit events written, by type", labelNames: ["type"] as const, registers });

  // Always 1: which Gatehouse runs on which Node.js (an end-of-life runtime shows up on a dashboard).
  const buildInfo = new Gauge({ name: "gatehouse_build_info", help: "The Gatehouse version and the Node.js version it runs on (always 1)", labelNames: ["version", "node"] as const, registers });
  buildInfo.set({ version: GATEHOUSE_VERSION, node: process.versions.node }, 1);
  // argon2id's queue, read when scraped: how far a sign-in storm has filled it, and what one computation takes.
  new Gauge({
    name: "gatehouse_password_hashes",
    help: "argon2id computations running and waiting in this process's queue",
    labelNames: ["state"] as const,
    registers,
    collect() {
      const load = argon2Load();
      this.set({ state: "running" }, load.running);
      this.set({ state: "waiting" }, load.waiting);
    },
  });
  new Gauge({
    name: "gatehouse_password_hash_seconds",
    help: "Moving mean of the time one argon2id computation holds its slot (the sign-in wait estimate's unit)",
    registers,
    collect() {
      this.set(argon2Load().meanHashMs / 1000);
    },
  });

  // Zero-valued series from the start, so rate() and alerts see them before the first event.
  for (const outcome of ["success", "failure", "shed"]) passwordSteps.inc({ outcome }, 0);
  for (const outcome of ["sent", "failed", "abandoned"]) mail.inc({ outcome }, 0);

  return {
    registry,
    observeRequest({ method, route, statusCode, seconds }) {
      requestDuration.observe({ method, route, status_class: `${Math.floor(statusCode / 100)}xx` }, seconds);
    },
    recordSms: (purpose, outcome) => sms.inc({ purpose, outcome }),
    recordMail: (outcome) => mail.inc({ outcome }),
    recordSignInShed: () => passwordSteps.inc({ outcome: "shed" }),
    auditListener(event) {
      auditEvents.inc({ type: event.type });
      const method = typeof event.detail?.method === "string" && METHODS.has(event.detail.method) ? event.detail.method : "unknown";
      if (event.type === "signin.password_succeeded") passwordSteps.inc({ outcome: "success" });
      if (event.type === "signin.password_failed") passwordSteps.inc({ outcome: "failure" });
      if (event.type === "signin.completed") signIns.inc({ method });
      if (event.type === "account.locked") lockouts.inc({ step: event.detail?.step === "password" ? "password" : "second_factor" });
      const check = SECOND_FACTOR_EVENTS[event.type];
      if (check) secondFactor.inc({ method: check.purpose === "reset" ? "sms" : method, ...check });
    },
  };
}

/**
 * Times every request (by the route's pattern, e.g. `/reset-password/:token`; "unmatched" for unknown
 * addresses) and serves GET /metrics in Prometheus text format. /metrics has no authentication of its
 * own: the reverse proxy must not pass it through from the internet (docs/deploy.md); Prometheus
 * scrapes each instance directly on the private network.
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook("onResponse", async (request, reply) => {
    metrics.observeRequest({ method: request.method, route: request.routeOptions.url ?? "unmatched", statusCode: reply.statusCode, seconds: reply.elapsedTime / 1000 });
  });
  app.get("/metrics", { config: { access: "public" } }, async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.header("content-type", metrics.registry.contentType).header("cache-control", "no-store").send(text);
  });
}
