import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import { sha256Hex } from "../crypto/hash.ts";
import { generateToken, type RandomSource } from "../crypto/random.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { App, AppSignInMethod, DB, Role } from "../db/schema.ts";
import { newId } from "./ids.ts";
import { noteAppsChanged, rememberedApps } from "./proxy-apps.ts";
import { isRole } from "./user.ts";

export const APP_NAME_MAX_LENGTH = 100;
const URL_MAX_LENGTH = 2048;
const REDIRECT_URIS_MAX = 20;

export type AppError = "invalid_name" | "duplicate_name" | "invalid_url" | "invalid_redirect_uri" | "missing_redirect_uri" | "invalid_role" | "not_found";

export interface AppInput {
  name: string;
  url: string;
  method: AppSignInMethod;
  /** Null or empty: everyone may use the app. */
  allowedRoles?: readonly string[] | null;
  /** OpenID Connect only: at least one. */
  redirectUris?: readonly string[];
  postLogoutRedirectUris?: readonly string[];
  backchannelLogoutUri?: string | null;
  /** OpenID Connect only: a public client (a browser or native app) gets no secret and must use PKCE. */
  publicClient?: boolean;
}

export type CreateAppResult = { ok: true; app: App; clientSecret: string | null } | { ok: false; error: AppError };

export function parseAppName(input: string): string | null {
  const name = input.trim().replace(/\s+/g, " ");
  // biome-ignore lint: control characters are exactly what this refuses
  if (name.length === 0 || name.length > APP_NAME_MAX_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) return null;
  return name;
}

export function normalizeAppName(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}

/** An absolute http(s) URL without credentials or fragment (RFC 6749 §3.1.2 for redirect URIs). */
export function parseAppUrl(input: string): URL | null {
  if (input.length > URL_MAX_LENGTH || !URL.canParse(input)) return null;
  const url = new URL(input);
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password || url.hash || input.includes("#")) return null;
  return url;
}

/**
 * Client secrets are 256 random bits, so one SHA-256 is the right store: a slow password hash guards
 * low-entropy secrets against guessing, which a 256-bit secret does not need (NIST SP 800-63B §5.1.1.2
 * asks for salted, costly hashing of memorized secrets only; RFC 6819 §5.1.4.1.3 asks that client
 * secrets be stored hashed). The provider is kept from any use that needs the secret itself (HS256,
 * client_secret_jwt): src/features/oidc/provider-config.ts.
 */
export function hashClientSecret(secret: string): string {
  return sha256Hex(secret);
}

function jsonList(values: readonly string[] | null | undefined): string | null {
  return values && values.length > 0 ? JSON.stringify(values) : null;
}

export function appRedirectUris(app: App): string[] {
  return app.redirect_uris ? (JSON.parse(app.redirect_uris) as string[]) : [];
}

export function appPostLogoutRedirectUris(app: App): string[] {
  return app.post_logout_redirect_uris ? (JSON.parse(app.post_logout_redirect_uris) as string[]) : [];
}

/** The roles that may use the app, or null for everyone. */
export function appAllowedRoles(app: App): Role[] | null {
  return app.allowed_roles ? (JSON.parse(app.allowed_roles) as Role[]) : null;
}

type Checked = { ok: true; fields: Omit<App, "id" | "client_id" | "client_secret_hash" | "created_at" | "updated_at"> } | { ok: false; error: AppError };

function checkInput(input: AppInput): Checked {
  const name = parseAppName(input.name);
  if (!name) return { ok: false, error: "invalid_name" };
  const url = parseAppUrl(input.url);
  if (!url) return { ok: false, error: "invalid_url" };
  const roles = [...new Set(input.allowedRoles ?? [])];
  if (!roles.every(isRole)) return { ok: false, error: "invalid_role" };
  const redirects = input.method === "oidc" ? [...new Set(input.redirectUris ?? [])] : [];
  if (input.method === "oidc" && redirects.length === 0) return { ok: false, error: "missing_redirect_uri" };
  const logoutRedirects = [...new Set(input.postLogoutRedirectUris ?? [])];
  const backchannel = input.backchannelLogoutUri ?? null;
  const uris = [...redirects, ...logoutRedirects, ...(backchannel ? [backchannel] : [])];
  if (redirects.length > REDIRECT_URIS_MAX || !uris.every((uri) => parseAppUrl(uri) !== null)) return { ok: false, error: "invalid_redirect_uri" };
  return {
    ok: true,
    fields: {
      name,
      name_normalized: normalizeAppName(name),
      url: url.href,
      host: url.host,
      method: input.method,
      allowed_roles: jsonList(roles),
      redirect_uris: jsonList(redirects),
      post_logout_redirect_uris: jsonList(logoutRedirects),
      backchannel_logout_uri: backchannel,
    },
  };
}

/** Registers an app. An OpenID Connect app gets a client id and, unless public, a secret shown this once. */
export async function createApp(db: Kysely<DB>, deps: { clock: Clock; random: RandomSource }, input: AppInput): Promise<CreateAppResult> {
  const checked = checkInput(input);
  if (!checked.ok) return checked;
  const oidc = input.method === "oidc";
  const clientSecret = oidc && !input.publicClient ? generateToken(deps.random, 32) : null;
  const now = deps.clock.nowMs();
  const app: App = {
    id: newId(deps.random),
    ...checked.fields,
    client_id: oidc ? newId(deps.random) : null,
    client_secret_hash: clientSecret ? hashClientSecret(clientSecret) : null,
    created_at: now,
    updated_at: now,
  };
  noteAppsChanged();
  try {
    await db.insertInto("apps").values(app).execute();
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: "duplicate_name" };
    throw error;
  }
  return { ok: true, app, clientSecret };
}

/** Changes an app's registration (not its client id or secret). */
export async function updateApp(db: Kysely<DB>, clock: Clock, id: string, input: AppInput): Promise<{ ok: true; app: App } | { ok: false; error: AppError }> {
  const checked = checkInput(input);
  if (!checked.ok) return checked;
  noteAppsChanged();
  try {
    const updated = await db.updateTable("apps").set({ ...checked.fields, updated_at: clock.nowMs() }).where("id", "=", id).returningAll().executeTakeFirst();
    return updated ? { ok: true, app: updated } : { ok: false, error: "not_found" };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, error: "duplicate_name" };
    throw error;
  }
}

export function listApps(db: Kysely<DB>): Promise<App[]> {
  return db.selectFrom("apps").selectAll().orderBy("name_normalized").execute();
}

/** listApps through the apps' 5-second memory (proxy-apps.ts): the dashboard asks on every visit. */
export function cachedAppList(db: Kysely<DB>, clock: Clock): Promise<readonly App[]> {
  return rememberedApps(db, clock, "every app", () => listApps(db));
}

export function findAppById(db: Kysely<DB>, id: string): Promise<App | undefined> {
  return db.selectFrom("apps").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findAppByName(db: Kysely<DB>, name: string): Promise<App | undefined> {
  return db.selectFrom("apps").selectAll().where("name_normalized", "=", normalizeAppName(name)).executeTakeFirst();
}

export function findAppByClientId(db: Kysely<DB>, clientId: string): Promise<App | undefined> {
  return db.selectFrom("apps").selectAll().where("client_id", "=", clientId).where("method", "=", "oidc").executeTakeFirst();
}

/** The app served at `host` (e.g. `files.example.com` or `localhost:8080`), for forward auth. */
export function findAppByHost(db: Kysely<DB>, host: string): Promise<App | undefined> {
  return db.selectFrom("apps").selectAll().where("host", "=", host.toLowerCase()).orderBy("created_at").executeTakeFirst();
}

/** Removes an app; its tokens stop working (the provider finds no client). Null when there is none. */
export async function removeApp(db: Kysely<DB>, name: string): Promise<App | null> {
  const app = await findAppByName(db, name);
  if (!app) return null;
  noteAppsChanged();
  const deleted = await db.deleteFrom("apps").where("id", "=", app.id).executeTakeFirst();
  return Number(deleted.numDeletedRows) === 1 ? app : null;
}

/**
 * A new client secret for a confidential OpenID Connect app, to be shown once; the old one stops
 * working at once. Null when the app is gone, is not OpenID Connect, or is a public client.
 */
export async function replaceClientSecret(db: Kysely<DB>, deps: { clock: Clock; random: RandomSource }, id: string): Promise<string | null> {
  const secret = generateToken(deps.random, 32);
  noteAppsChanged();
  const updated = await db
    .updateTable("apps")
    .set({ client_secret_hash: hashClientSecret(secret), updated_at: deps.clock.nowMs() })
    .where("id", "=", id)
    .where("method", "=", "oidc")
    .where("client_secret_hash", "is not", null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1 ? secret : null;
}
