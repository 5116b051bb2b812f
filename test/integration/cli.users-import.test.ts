import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { auditRowsOfType } from "../support/admin.ts";
import { expectOneLineFailure, runCli } from "../support/cli.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useSharedTestContext } from "../support/fixtures.ts";
import { inviteWithCli, linkPathIn } from "../support/mailed-links.ts";

// `gatehouse users import --csv FILE` (PORTAL.md §7) against the database the portal under test serves.
// Each test spawns the real command two to four times: the time limit is that of the other CLI suites.
describe.each(TEST_DIALECTS)("gatehouse users import (%s)", { timeout: 120_000 }, (dialect) => {
  const ctx = useSharedTestContext(dialect);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-import-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const csvFile = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const db = () => ctx.testDb.database.db;
  const counts = async () => ({
    users: (await db().selectFrom("users").select("id").execute()).length,
    links: (await db().selectFrom("one_time_links").select("id").where("purpose", "=", "invite").execute()).length,
    mail: (await db().selectFrom("outgoing_mail").select("id").execute()).length,
  });

  test("invites each new address, skips existing users and pending invitations, reports each bad line; a second run invites nobody twice", async () => {
    await ctx.createUser({ email: "active@example.com", name: "Active Already" });
    await inviteWithCli(ctx, "pending@example.com", "Pending Invite");
    const file = csvFile(
      "people.csv",
      [
        "\uFEFFName,Email,Role",
        "Nia New,nia@example.com,",
        '"Okafor, Sam",sam@example.com,Support',
        "Active Again,ACTIVE@example.com,admin",
        "Pending Again,pending@example.com,client",
        "Broken,not-an-email,client",
        "Nia Twice,Nia@Example.com,client",
      ].join("\r\n"),
    );
    const first = await runCli(["users", "import", "--csv", file], ctx.cliEnv);
    expect(first.stdout).toBe(["Invited 2, skipped 2 (already exist), failed 2", "line 6: the e-mail address is not valid", "line 7: the e-mail address is already on line 2", ""].join("\n"));
    expect(expectOneLineFailure(first)).toBe("gatehouse: 2 line(s) not imported; correct them and run the same command again (addresses already invited are skipped)");

    const invited = await db().selectFrom("users").select(["email", "display_name", "role", "password_hash"]).where("email", "in", ["nia@example.com", "sam@example.com"]).orderBy("email").execute();
    expect(invited).toEqual([
      { email: "nia@example.com", display_name: "Nia New", role: "client", password_hash: null },
      { email: "sam@example.com", display_name: "Okafor, Sam", role: "support", password_hash: null },
    ]);
    const created = (await auditRowsOfType(ctx, "user.created")).filter((row) => row.detail?.via === "cli");
    expect(created.map((row) => row.detail)).toEqual([{ role: "client", via: "cli" }, { role: "client", via: "cli" }, { role: "support", via: "cli" }]);
    expect(created.every((row) => row.actor_user_id === null)).toBe(true);

    // The portal's mail queue sends each invitation (the CLI only queued them, on the real clock).
    const queued = await db().selectFrom("outgoing_mail").select("next_attempt_at").execute();
    ctx.clock.set(Math.max(...queued.map((m) => m.next_attempt_at)));
    await ctx.flushMail();
    for (const address of ["nia@example.com", "sam@example.com"]) {
      const mail = ctx.outbox.latestTo(address);
      expect(mail?.subject).toBe("Gatehouse: your invitation");
      expect((await ctx.client().get(linkPathIn(mail!.body, "invite"))).body).toContain("<h1>Choose your password</h1>");
    }
    expect(ctx.outbox.latestTo("active@example.com")).toBeUndefined();

    const before = await counts();
    const again = await runCli(["users", "import", "--csv", file], ctx.cliEnv);
    expect(again.code).toBe(1);
    expect(again.stdout.split("\n")[0]).toBe("Invited 0, skipped 4 (already exist), failed 2");
    expect(await counts()).toEqual(before);
  });

  test("a clean file exits 0 and prints only the summary; the role column is optional", async () => {
    const file = csvFile("clean.csv", "email,name\numa@example.com,Uma\nvic@example.com,Vic\n");
    const result = await runCli(["users", "import", "--csv", file], ctx.cliEnv);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("Invited 2, skipped 0 (already exist), failed 0\n");
    expect(result.stderr).toBe("");
    expect(await db().selectFrom("users").select("role").where("email", "in", ["uma@example.com", "vic@example.com"]).execute()).toEqual([{ role: "client" }, { role: "client" }]);
  });

  test("a file that cannot be imported as a whole invites nobody: exit code 2 and one line", async () => {
    // Every whole-file check is in test/unit/users-import.csv.test.ts; these prove the command's side of them.
    const cases: [string, RegExp][] = [
      [join(dir, "missing.csv"), /^gatehouse: cannot read .*missing\.csv: no such file$/],
      [dir, /: it is a directory$/],
      [csvFile("columns.csv", "email,name,phone\nwes@example.com,Wes,1\n"), /^gatehouse: unknown column "phone": the first line must name the columns/],
      [csvFile("huge.csv", Buffer.alloc(10 * 1024 * 1024 + 1, 0x61)), /larger than 10 MiB; split it into smaller files$/],
    ];
    const before = await counts();
    for (let i = 0; i < cases.length; i += 2) {
      const pair = cases.slice(i, i + 2);
      const results = await Promise.all(pair.map(([path]) => runCli(["users", "import", "--csv", path], ctx.cliEnv)));
      results.forEach((result, j) => {
        expect(result.code, result.stderr).toBe(2);
        expect(result.stdout).toBe("");
        expect(expectOneLineFailure(result)).toMatch(pair[j]![1]);
      });
    }
    expect(await counts()).toEqual(before);
  });
});
