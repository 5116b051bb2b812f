import type { CoreDeps } from "./deps.ts";
import type { Kysely } from "kysely";
import { isUniqueViolation } from "../db/errors.ts";
import type { DB, Role, User } from "../db/schema.ts";
import { normalizeEmail, parseEmail } from "./email.ts";
import { newId } from "./ids.ts";
import { checkPasswordRules, hashPassword, type PasswordProblem } from "./password.ts";

export const ROLES: readonly Role[] = ["client", "support", "admin"];
export const DISPLAY_NAME_MAX_LENGTH = 100;

export type CreateUserError = "invalid_email" | "duplicate_email" | "invalid_name" | "invalid_role" | PasswordProblem;
export type CreateUserResult = { ok: true; user: User } | { ok: false; error: CreateUserError };

export interface NewUserInput {
  email: string;
  displayName: string;
  role: string;
  /** Null: the user chooses one through an invitation link. */
  password: string | null;
}

export function parseDisplayName(input: string): string | null {
  const name = input.trim().replace(/\s+/g, " ");
  // biome-ignore lint: control characters are exactly what this refuses
  if (name.length === 0 || name.length > DISPLAY_NAME_MAX_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) return null;
  return name;
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Support agents and administrators: the roles that reach the support console. */
export function isStaffRole(role: Role): boolean {
  return role === "support" || role === "admin";
}

/** Validates everything and hashes the password: the row to insert, or why there is none. */
export async function prepareUser(deps: CoreDeps, input: NewUserInput): Promise<CreateUserResult> {
  const email = parseEmail(input.email);
  if (!email) return { ok: false, error: "invalid_email" };
  const displayName = parseDisplayName(input.displayName);
  if (!displayName) return { ok: false, error: "invalid_name" };
  if (!isRole(input.role)) return { ok: false, error: "invalid_role" };
  if (input.password !== null) {
    const problem = checkPasswordRules(input.password);
    if (problem) return { ok: false, error: problem };
  }
  const user: User = {
    id: newId(deps.random),
    email,
    email_normalized: normalizeEmail(email),
    display_name: displayName,
    role: input.role,
    password_hash: input.password === null ? null : await hashPassword(input.password),
    disabled_at: null,
    created_at: deps.clock.nowMs(),
    last_sign_in_at: null,
    previous_sign_in_at: null,
    fallback_phone_e164: null,
    time_zone: null,
  };
  return { ok: true, user };
}

/** One row, or "duplicate_email": never a half-made account. */
export async function insertUser(db: Kysely<DB>, user: User): Promise<CreateUserResult> {
  try {
    await db.insertInto("users").values(user).execute();
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: "duplicate_email" };
    throw error;
  }
  return { ok: true, user };
}

export async function createUser(db: Kysely<DB>, deps: CoreDeps, input: NewUserInput): Promise<CreateUserResult> {
  const existing = parseEmail(input.email) && (await findUserByEmail(db, input.email));
  if (existing) return { ok: false, error: "duplicate_email" };
  const prepared = await prepareUser(deps, input);
  return prepared.ok ? insertUser(db, prepared.user) : prepared;
}

export async function findUserByEmail(db: Kysely<DB>, email: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("email_normalized", "=", normalizeEmail(email)).executeTakeFirst();
}

export async function findUserById(db: Kysely<DB>, id: string): Promise<User | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listUsers(db: Kysely<DB>): Promise<User[]> {
  return db.selectFrom("users").selectAll().orderBy("created_at").orderBy("email_normalized").execute();
}

export async function countUsers(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom("users").select((eb) => eb.fn.countAll<number | string>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setPasswordHash(db: Kysely<DB>, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", userId).execute();
}
