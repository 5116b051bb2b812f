import type { Kysely } from "kysely";
import type { Adapter, AdapterPayload } from "oidc-provider";
import type { Clock } from "../../clock.ts";
import type { DB } from "../../db/schema.ts";

/** Expired rows are deleted at most this often per instance (when something is written). */
export const PRUNE_INTERVAL_MS = 60_000;

/**
 * oidc-provider's storage (codes, tokens, grants, sessions, interactions) in the portal's database:
 * one row per (model, id), payload as JSON. Expiry is decided with the injected clock, so a code
 * that has expired is not found (invalid_grant) even before the pruner deletes it, and tests cross
 * an expiry with the fake clock.
 */
export class KyselyOidcAdapter implements Adapter {
  constructor(
    private readonly model: string,
    private readonly storage: OidcStorage,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresInSeconds: number): Promise<void> {
    const { db, clock } = this.storage;
    const now = clock.nowMs();
    const row = {
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expires_at: expiresInSeconds ? now + expiresInSeconds * 1000 : null,
      consumed_at: null,
    };
    await db
      .insertInto("oidc_payloads")
      .values({ model: this.model, id, ...row })
      .onConflict((oc) => oc.columns(["model", "id"]).doUpdateSet(row))
      .execute();
    await this.storage.pruneIfDue(now);
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.findWhere("id", id);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere("uid", uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere("user_code", userCode);
  }

  async consume(id: string): Promise<void> {
    await this.storage.db.updateTable("oidc_payloads").set({ consumed_at: this.storage.clock.nowMs() }).where("model", "=", this.model).where("id", "=", id).execute();
  }

  async destroy(id: string): Promise<void> {
    await this.storage.db.deleteFrom("oidc_payloads").where("model", "=", this.model).where("id", "=", id).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.storage.db.deleteFrom("oidc_payloads").where("grant_id", "=", grantId).execute();
  }

  private async findWhere(column: "id" | "uid" | "user_code", value: string): Promise<AdapterPayload | undefined> {
    const row = await this.storage.db
      .selectFrom("oidc_payloads")
      .select(["payload", "expires_at", "consumed_at"])
      .where("model", "=", this.model)
      .where(column, "=", value)
      .executeTakeFirst();
    if (!row || (row.expires_at !== null && row.expires_at <= this.storage.clock.nowMs())) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(row.consumed_at / 1000) };
  }
}

export interface OidcStorage {
  db: Kysely<DB>;
  clock: Clock;
  pruneIfDue(nowMs: number): Promise<void>;
}

export function createOidcStorage(db: Kysely<DB>, clock: Clock): OidcStorage {
  let lastPruneMs = Number.NEGATIVE_INFINITY;
  return {
    db,
    clock,
    async pruneIfDue(nowMs) {
      if (nowMs - lastPruneMs < PRUNE_INTERVAL_MS) return;
      lastPruneMs = nowMs;
      await pruneExpiredOidcPayloads(db, nowMs);
    },
  };
}

export async function pruneExpiredOidcPayloads(db: Kysely<DB>, nowMs: number): Promise<number> {
  const deleted = await db.deleteFrom("oidc_payloads").where("expires_at", "<=", nowMs).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
