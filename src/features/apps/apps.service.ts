import type { Kysely } from "kysely";
import { type AppError, type AppInput, appPostLogoutRedirectUris, createApp, type CreateAppResult, replaceClientSecret, updateApp } from "../../auth/apps.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import { noteAppsChanged } from "../../auth/proxy-apps.ts";
import type { CoreDeps } from "../../auth/deps.ts";
import type { SessionMeta } from "../../auth/session.ts";
import type { App, DB } from "../../db/schema.ts";

/** The console's audited changes to apps: each change and its audit event in one transaction. */

interface Actor {
  adminId: string;
  meta: SessionMeta;
}

function audit(db: Kysely<DB>, deps: CoreDeps, actor: Actor, type: "app.created" | "app.updated" | "app.removed" | "app.secret_replaced", app: App) {
  return recordAuditEvent(db, deps, { type, actorUserId: actor.adminId, subjectUserId: null, ...actor.meta, detail: { via: "console", app: app.name, method: app.method } });
}

/**
 * Runs `change` in a transaction that is rolled back when it answers a refusal: on PostgreSQL a
 * unique violation (a duplicate name) has already aborted the transaction, so it must not commit.
 */
async function atomically<T extends { ok: boolean }>(db: Kysely<DB>, change: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  const refusal = Symbol("refused");
  let refused: T | null = null;
  try {
    const result = await db.transaction().execute(async (trx) => {
      const changed = await change(trx);
      if (changed.ok) return changed;
      refused = changed;
      throw refusal;
    });
    noteAppsChanged(); // again after the commit: a lookup during the transaction read the old row
    return result;
  } catch (error) {
    if (error === refusal && refused) return refused;
    throw error;
  }
}

export function addApp(db: Kysely<DB>, deps: CoreDeps, actor: Actor, input: AppInput): Promise<CreateAppResult> {
  return atomically(db, async (trx) => {
    const created = await createApp(trx, deps, input);
    if (created.ok) await audit(trx, deps, actor, "app.created", created.app);
    return created;
  });
}

/** Changes what the form holds; what only the CLI sets (logout addresses) is kept. */
export function changeApp(db: Kysely<DB>, deps: CoreDeps, actor: Actor, app: App, input: AppInput): Promise<{ ok: true; app: App } | { ok: false; error: AppError }> {
  return atomically(db, async (trx) => {
    const kept = { postLogoutRedirectUris: appPostLogoutRedirectUris(app), backchannelLogoutUri: app.backchannel_logout_uri };
    const updated = await updateApp(trx, deps.clock, app.id, { ...input, method: app.method, ...kept });
    if (updated.ok) await audit(trx, deps, actor, "app.updated", updated.app);
    return updated;
  });
}

/** True when this call removed it (false: already gone). */
export async function removeAppById(db: Kysely<DB>, deps: CoreDeps, actor: Actor, app: App): Promise<boolean> {
  const removed = await db.transaction().execute(async (trx) => {
    noteAppsChanged();
    const deleted = await trx.deleteFrom("apps").where("id", "=", app.id).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) return false;
    await audit(trx, deps, actor, "app.removed", app);
    return true;
  });
  noteAppsChanged();
  return removed;
}

/** A new client secret, shown once; null when the app has none to replace. */
export function newClientSecret(db: Kysely<DB>, deps: CoreDeps, actor: Actor, app: App): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    const secret = await replaceClientSecret(trx, deps, app.id);
    if (secret) await audit(trx, deps, actor, "app.secret_replaced", app);
    return secret;
  });
}
