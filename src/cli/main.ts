import { Command, CommanderError } from "commander";
import { registerApps } from "./commands/apps.ts";
import { registerAudit } from "./commands/audit.ts";
import { registerBackup } from "./commands/backup.ts";
import { nodeEndOfLifeWarning } from "../config/runtime.ts";
import { registerKeys } from "./commands/keys.ts";
import { registerMigrate } from "./commands/migrate.ts";
import { registerServe } from "./commands/serve.ts";
import { registerUsers } from "./commands/users.ts";
import { CliError } from "./io.ts";

// One line on stderr before anything else, and carry on: a host with only an old Node still runs.
const runtimeWarning = nodeEndOfLifeWarning(process.versions.node, Date.now());
if (runtimeWarning) process.stderr.write(`${runtimeWarning}\n`);

const program = new Command()
  .name("gatehouse")
  .description("Gatehouse: a client portal whose front door is mandatory two-factor sign-in")
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

registerServe(program);
registerMigrate(program);
registerUsers(program);
registerKeys(program);
registerApps(program);
registerBackup(program);
registerAudit(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed by commander.
    process.exitCode = error.exitCode;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`gatehouse: ${message.split("\n")[0]}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  }
}
