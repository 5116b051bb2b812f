import { ConfigError, type Config } from "../config/config.ts";
import { loadConfig } from "../config/load.ts";
import { type Database, openDatabase } from "../db/database.ts";
import { migrateToLatest } from "../db/migrator.ts";
import { CliError } from "./io.ts";

export function loadCliConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(`configuration: ${error.message}`);
    throw error;
  }
}

/** Opens the database and proves it answers, so an unreachable one fails with one clear line. */
export async function openCliDatabase(config: Config): Promise<Database> {
  let database: Database;
  try {
    database = openDatabase(config.database, { poolSize: 2 });
  } catch (error) {
    throw new CliError(`database: cannot open (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!(await database.ping())) {
    await database.close().catch(() => {});
    throw new CliError(`database: cannot connect to ${describeTarget(config)}`);
  }
  return database;
}

/** The configuration and its database on an up-to-date schema (unless MIGRATE_ON_START=false), as `npm start` does. */
export async function openMigratedCli(): Promise<{ config: Config; database: Database }> {
  const config = loadCliConfig();
  const database = await openCliDatabase(config);
  try {
    if (config.migrateOnStart) await migrateToLatest(database);
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
  return { config, database };
}

export function describeTarget(config: Config): string {
  if (config.database.dialect === "sqlite") return `sqlite:${config.database.path}`;
  const url = new URL(config.database.url);
  return `postgres://${url.host}${url.pathname}`; // never the password
}
