import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeEndOfLifeWarning } from "../../src/config/runtime.ts";

const PROJECT_DIR = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(PROJECT_DIR, "bin", "gatehouse.cjs");
// The words, spelled out rather than computed, for the line the project still accepts (engines).
const NODE_20_WARNING = "Node.js 20 is past its end of life (April 2026) and gets no security fixes; run Node.js 24 LTS\n";

/** This test's own Node, and the Node 24 that NODE24_PATH points at when set (.ci/run sets it). */
const NODE24 = process.env.NODE24_PATH ? realpathSync(process.env.NODE24_PATH) : undefined;
const NODE_BINARIES = [...new Set([realpathSync(process.execPath), ...(NODE24 ? [NODE24] : [])])];

describe.each(NODE_BINARIES)("the gatehouse command under %s", (nodePath) => {
  const major = Number(spawnSync(nodePath, ["-p", "process.versions.node"], { encoding: "utf8" }).stdout.split(".")[0]);

  it("opens with one end-of-life warning on stderr on Node 20 and older, none on Node 24, and carries on", () => {
    if (nodePath === NODE24) expect(major, "NODE24_PATH is not a Node 24").toBe(24);
    const result = spawnSync(nodePath, [BIN, "--help"], {
      cwd: PROJECT_DIR,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir() },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Usage: gatehouse /);
    if (major === 20) expect(result.stderr).toBe(NODE_20_WARNING);
    else if (major === 24) expect(result.stderr).toBe("");
    else {
      const warning = nodeEndOfLifeWarning(`${major}.0.0`, Date.now());
      expect(result.stderr).toBe(warning ? `${warning}\n` : "");
    }
  });
});
