import { dirname, join } from "node:path";
import type { DatabaseTarget } from "./config.ts";

/**
 * The portal's own files (generated secret_key, logo.svg / logo.png): beside the embedded SQLite
 * database, or `./data` when there is no database file (PostgreSQL, `sqlite::memory:`).
 */
export function dataDirectory(database: DatabaseTarget, cwd: string): string {
  return database.dialect === "sqlite" && database.path !== ":memory:" ? dirname(database.path) : join(cwd, "data");
}
