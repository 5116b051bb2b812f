import type { Command } from "commander";
import { migrateToLatest } from "../../db/migrator.ts";
import { describeTarget, loadCliConfig, openCliDatabase } from "../open.ts";

export function registerMigrate(program: Command): void {
  program
    .command("migrate")
    .description("apply pending database migrations")
    .action(async () => {
      const config = loadCliConfig();
      const database = await openCliDatabase(config);
      try {
        const applied = await migrateToLatest(database);
        process.stdout.write(applied.length ? `Applied ${applied.join(", ")} to ${describeTarget(config)}.\n` : `${describeTarget(config)} is up to date.\n`);
      } finally {
        await database.close();
      }
    });
}
