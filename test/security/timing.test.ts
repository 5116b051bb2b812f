import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signInWithPassword } from "../../src/features/sign-in/sign-in.service.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";

/** Records each statement's kind and table, in order (a Kysely plugin sees every query it builds). */
class StatementLog implements KyselyPlugin {
  readonly statements: string[] = [];
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    const table = JSON.stringify(node).match(/"kind":"TableNode".*?"identifier":\{"kind":"IdentifierNode","name":"([a-z_]+)"/)?.[1] ?? "?";
    this.statements.push(`${node.kind.replace(/QueryNode$/, "").toLowerCase()} ${table}`);
    return node;
  }
  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

/**
 * Timing is not measured here: on a shared 2-core machine the medians of two paths that differ by one
 * indexed query (~0.1 ms) next to argon2 (~20 ms) cannot be told apart without flaky tests. The equal
 * work is asserted instead: the same number of statements on the same tables, and argon2 on both.
 */
describe.each(TEST_DIALECTS)("sign-in timing: unknown e-mail vs wrong password (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  async function statementsOf(email: string, ip: string): Promise<string[]> {
    const log = new StatementLog();
    const db = ctx.testDb.database.db.withPlugin(log);
    const result = await signInWithPassword(db, ctx.deps, { email, password: "not the password", meta: { ip, userAgent: "timing" }, maxWaitMs: ctx.deps.config.signInMaxWaitMs, rememberCookie: undefined });
    expect(result.ok).toBe(false);
    return log.statements;
  }
  const tablesOf = (statements: string[]) => statements.map((statement) => statement.split(" ")[1]).sort();

  it("an unknown e-mail does the same database work as a wrong password for a real account (same statements, same tables)", async () => {
    const user = await ctx.createUser();
    // Several rounds: a first failure and a later one (a streak already running) must both match.
    for (let round = 0; round < 3; round += 1) {
      const wrong = await statementsOf(user.email, `198.51.100.${round}`);
      const unknown = await statementsOf(`nobody-${round}@example.com`, `203.0.113.${round}`);
      expect(unknown.length, `round ${round}: ${unknown.join(", ")} vs ${wrong.join(", ")}`).toBe(wrong.length);
      expect(tablesOf(unknown)).toEqual(tablesOf(wrong));
    }
  });

  it("unknown e-mails leave no rows behind for the stand-in account", async () => {
    for (let i = 0; i < 20; i += 1) await statementsOf(`nobody-${i}@example.com`, "203.0.113.9");
    const rows = await ctx.testDb.database.db.selectFrom("throttle_hits").select("key").where("key", "not like", "login-ip:%").execute();
    expect(rows).toEqual([]);
  });
});
