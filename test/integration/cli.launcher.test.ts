import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const PROJECT_DIR = fileURLToPath(new URL("../..", import.meta.url));

/**
 * bin/gatehouse.cjs in a project of its own whose entry points only say which one ran: the compiled
 * dist/cli/main.js or the TypeScript src/cli/main.ts (through tsx).
 */
describe("the gatehouse launcher (bin/gatehouse.cjs)", () => {
  let dir: string;
  const at = (path: string, seconds: number) => utimesSync(join(dir, path), seconds, seconds);
  const run = (env: Record<string, string> = {}) => execFileSync(process.execPath, [join(dir, "bin/gatehouse.cjs")], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "", ...env } }).trim();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-launcher-"));
    mkdirSync(join(dir, "bin"));
    for (const file of ["gatehouse.cjs", "pool-priority.cjs"]) copyFileSync(join(PROJECT_DIR, "bin", file), join(dir, "bin", file));
    symlinkSync(join(PROJECT_DIR, "node_modules"), join(dir, "node_modules"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    mkdirSync(join(dir, "src/cli"), { recursive: true });
    writeFileSync(join(dir, "src/cli/main.ts"), 'const from: string = "sources";\nconsole.log(from);\n');
    mkdirSync(join(dir, "dist/cli"), { recursive: true });
    writeFileSync(join(dir, "dist/cli/main.js"), 'console.log("compiled");\n');
    writeFileSync(join(dir, "dist/.built"), "");
    at("src/cli/main.ts", 1_000);
    at("dist/.built", 2_000);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the compiled output when it was built after every source changed", () => {
    expect(run()).toBe("compiled");
  });

  it("runs the sources when one changed after the build: a stale build never runs", () => {
    at("src/cli/main.ts", 3_000);
    expect(run()).toBe("sources");
  });

  it("runs the sources when there is no build, or the build did not finish", () => {
    rmSync(join(dir, "dist/.built"));
    expect(run()).toBe("sources");
    rmSync(join(dir, "dist"), { recursive: true });
    expect(run()).toBe("sources");
  });

  it("runs the compiled output when only it was shipped (the container image has no sources)", () => {
    rmSync(join(dir, "src"), { recursive: true });
    expect(run()).toBe("compiled");
  });

  it("sizes libuv's threadpool (argon2id) to the cores before anything starts it, unless the operator set it", () => {
    writeFileSync(join(dir, "dist/cli/main.js"), "console.log(process.env.UV_THREADPOOL_SIZE);\n");
    at("dist/.built", 2_000);
    expect(run()).toBe(String(availableParallelism()));
    expect(run({ UV_THREADPOOL_SIZE: "6" })).toBe("6");
  });
});
