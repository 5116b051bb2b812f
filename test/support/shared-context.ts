import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliDatabaseUrl } from "./cli.ts";
import { createTestContext, type TestContext } from "./context.ts";
import { createTestDatabase, type TestDialect } from "./databases.ts";

export type SharedTestContext = TestContext & { cliEnv: Record<string, string> };

/**
 * createTestContext on a database a child process can open too (a SQLite file, or the test's
 * PostgreSQL schema): `cliEnv` points the real `gatehouse` command (runCli) at it, so what the CLI
 * writes is what the server under test reads.
 */
export async function createSharedTestContext(dialect: TestDialect): Promise<SharedTestContext> {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-shared-"));
  const database = await createTestDatabase(dialect, { sqlitePath: join(dir, "portal.db") });
  const ctx = await createTestContext(dialect, { database });
  const close = ctx.close;
  return {
    ...ctx,
    cliEnv: { DATABASE_URL: cliDatabaseUrl(database) },
    async close() {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
