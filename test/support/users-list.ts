import { randomBytes } from "node:crypto";
import type { Role, SecondFactorKind, User } from "../../src/db/schema.ts";
import type { TestContext } from "./context.ts";
import type { HttpClient } from "./http-client.ts";

/** Helpers for the console's Users page: many users made at once, and the rows a page lists. */

export interface UserSpec {
  email: string;
  name?: string;
  role?: Role;
  /** False: invited, no password yet (default true). */
  password?: boolean;
  disabled?: boolean;
  method?: SecondFactorKind;
  lastSignInAt?: number;
}

const id = () => randomBytes(16).toString("hex");

/** Inserts users (and their active factor) directly, in two statements: no argon2 per user. */
export async function insertUsers(ctx: TestContext, specs: UserSpec[]): Promise<string[]> {
  const db = ctx.testDb.database.db;
  const now = ctx.clock.nowMs();
  const users = specs.map((spec) => ({
    id: id(),
    email: spec.email,
    email_normalized: spec.email.toLowerCase(),
    display_name: spec.name ?? spec.email.split("@")[0]!,
    role: spec.role ?? "client",
    // Never checked: these users are only listed, never signed in.
    password_hash: spec.password === false ? null : "$argon2id$not-a-real-hash",
    disabled_at: spec.disabled ? now : null,
    created_at: now,
    last_sign_in_at: spec.lastSignInAt ?? null,
    previous_sign_in_at: null,
    fallback_phone_e164: null,
  }));
  await db.insertInto("users").values(users).execute();
  const factors = specs.flatMap((spec, i) =>
    spec.method
      ? [{ id: id(), user_id: users[i]!.id, kind: spec.method, status: "active" as const, session_id: null, totp_secret_enc: null, totp_last_step: null, phone_e164: spec.method === "sms" ? "+447400123456" : null, created_at: now, expires_at: null, verified_at: now }]
      : [],
  );
  if (factors.length) await db.insertInto("second_factors").values(factors).execute();
  return users.map((user) => user.id);
}

/** A staff member with a password (so they are no pending invitation themselves) and a browser signed in as them. */
export async function staffWithPassword(ctx: TestContext, role: Role, name: string): Promise<{ user: User; client: HttpClient }> {
  const user = await ctx.createUser({ role, name, email: `${name.split(" ")[0]!.toLowerCase()}@staff.example` });
  return { user, client: await ctx.fullSessionClient(user) };
}

export type ListedRow = Record<string, string> & { id: string };

/** The rows of the page's table (users or invitations), each cell's text by its column, and the user's id. */
export function listedRows(body: string): ListedRow[] {
  const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? "";
  return [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row]) => {
    const cells: Record<string, string> = {};
    for (const [, label, content] of row!.matchAll(/<td data-label="([^"]+)"[^>]*>([\s\S]*?)<\/td>/g)) {
      cells[label!] = content!.replaceAll("<wbr>", "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
    }
    return { ...cells, id: /href="\/admin\/users\/([0-9a-f]{32})"/.exec(row!)?.[1] ?? "" };
  });
}

/** The e-mail column of the page's table. */
export const listedEmails = (body: string) => listedRows(body).map((row) => row.Email ?? "");

/** An `href` as the page wrote it, decoded (`&amp;` → `&`). */
export function linkNamed(body: string, text: string): string | null {
  const href = new RegExp(`<a href="([^"]+)"[^>]*>${text}</a>`).exec(body)?.[1];
  return href ? href.replaceAll("&amp;", "&") : null;
}
