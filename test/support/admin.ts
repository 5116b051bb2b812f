import { expect } from "vitest";
import { randomBytes } from "node:crypto";
import type { Database } from "../../src/db/database.ts";
import type { Role, User } from "../../src/db/schema.ts";
import type { TestContext } from "./context.ts";
import type { HttpClient, Response2 } from "./http-client.ts";

/** Helpers for the support console's tests. */

export const IDENTITY_CHECK = "video_call";
export const REASON = "Lost phone in a taxi; verified on a video call with her passport.";

/** A user of `role` and a client holding a full, just-verified session for them. */
export async function staffClient(ctx: TestContext, role: Role, name = role === "admin" ? "Ada Admin" : "Sam Support"): Promise<{ user: User; client: HttpClient }> {
  const user = await ctx.createUser({ role, name, password: null });
  return { user, client: await ctx.fullSessionClient(user) };
}

/** Submits a form of the user's console page (the CSRF token is taken from that page). */
export function submitOnUserPage(client: HttpClient, userId: string, action: string, fields: Record<string, string>): Promise<Response2> {
  return client.submit(`/admin/users/${userId}`, fields, `/admin/users/${userId}/${action}`);
}

export function resetTwoFactorOf(client: HttpClient, userId: string, fields: Record<string, string> = { identity_check: IDENTITY_CHECK, reason: REASON }): Promise<Response2> {
  return submitOnUserPage(client, userId, "reset-2fa", fields);
}

/** An active SMS method made directly in the database (for users whose sign-in the test does not need). */
export async function insertSmsFactor(database: Database, nowMs: number, userId: string, phoneE164: string): Promise<void> {
  await database.db
    .insertInto("second_factors")
    .values({ id: randomBytes(16).toString("hex"), user_id: userId, kind: "sms", status: "active", session_id: null, totp_secret_enc: null, totp_last_step: null, phone_e164: phoneE164, created_at: nowMs, expires_at: null, verified_at: nowMs })
    .execute();
}

/** Audit rows of one type, oldest first, with their detail parsed. */
export async function auditRowsOfType(ctx: TestContext, type: string) {
  const rows = await ctx.testDb.database.db.selectFrom("audit_events").selectAll().where("type", "=", type).orderBy("at").orderBy("id").execute();
  return rows.map((row) => ({ ...row, detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null }));
}

export async function sessionCountOf(ctx: TestContext, userId: string): Promise<number> {
  const rows = await ctx.testDb.database.db.selectFrom("sessions").select("id").where("user_id", "=", userId).execute();
  return rows.length;
}

export async function userRow(ctx: TestContext, userId: string): Promise<User> {
  return ctx.testDb.database.db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirstOrThrow();
}

/** The portal's page for an unknown address, to compare a hidden page's answer with. */
export async function expectNotFoundPage(ctx: TestContext, response: Response2): Promise<void> {
  expect(response.status).toBe(404);
  const unknown = await ctx.client().get("/no-such-page");
  const main = (body: string) => /<main id="main">([\s\S]*)<\/main>/.exec(body)?.[1];
  expect(main(response.body)).toBe(main(unknown.body));
}

export function h1Count(body: string): number {
  return body.match(/<h1[\s>]/g)?.length ?? 0;
}
