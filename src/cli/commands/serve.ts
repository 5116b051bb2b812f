import type { Command } from "commander";
import { createDeps } from "../../app.ts";
import { createOneTimeLink, deleteUnusedLinks, FIRST_ADMIN_TTL_MS } from "../../auth/one-time-link.ts";
import { countUsers } from "../../auth/user.ts";
import { migrateToLatest, pendingMigrations } from "../../db/migrator.ts";
import { buildServer } from "../../server.ts";
import type { AppDeps } from "../../deps.ts";
import { startBackgroundJobs } from "../background-jobs.ts";
import { CliError } from "../io.ts";
import { describeTarget, loadCliConfig } from "../open.ts";
import { shutDownOnSignals } from "../shutdown.ts";

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve the portal (applies pending migrations first unless MIGRATE_ON_START=false)")
    .action(async () => {
      const config = loadCliConfig();
      const deps = createDeps(config);
      if (!(await deps.database.ping())) throw new CliError(`database: cannot connect to ${describeTarget(config)}`);
      if (config.migrateOnStart) await migrateToLatest(deps.database);
      else await requireMigrated(deps);
      const app = await buildServer(deps);
      await app.listen({ port: config.port, host: config.host });
      shutDownOnSignals(app, { jobs: startBackgroundJobs(deps, app.log), database: deps.database });
      app.log.info({ database: describeTarget(config), sms: config.sms.provider, mail: config.smtpUrl ? "smtp" : "console" }, "gatehouse started");
      await printFirstAdminLink(deps);
    });
}

/** With MIGRATE_ON_START=false, a schema behind this version refuses to start (rather than serve 500s). */
async function requireMigrated(deps: AppDeps): Promise<void> {
  const pending = await pendingMigrations(deps.database);
  if (pending.length === 0) return;
  await deps.database.close();
  throw new CliError(`database: ${pending.length} migration(s) pending (${pending.join(", ")}); run \`gatehouse migrate\` first (MIGRATE_ON_START=false)`);
}

/** On an empty database, a one-time link to create the first administrator (a new one each start). */
async function printFirstAdminLink(deps: AppDeps): Promise<void> {
  if ((await countUsers(deps.database.db)) > 0) return;
  await deleteUnusedLinks(deps.database.db, "first_admin", null);
  const token = await createOneTimeLink(deps.database.db, deps, "first_admin", null, FIRST_ADMIN_TTL_MS);
  const url = new URL(`/setup/${token}`, deps.config.publicUrl).href;
  process.stdout.write(`\nNo users yet. Create the first administrator (this link works once, for 72 hours):\n  ${url}\n\n`);
}
