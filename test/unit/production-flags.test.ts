import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { PRODUCTION_NODE_FLAGS } from "../../bench/processes.ts";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

describe("the server's Node flags", () => {
  test("the container image, `npm start` and the benchmark start the server alike", () => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(read("Dockerfile"))![1]!) as string[];
    expect(cmd).toEqual(["node", ...PRODUCTION_NODE_FLAGS, "bin/gatehouse.cjs", "serve"]);
    const start = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts.start;
    expect(start).toBe(["node", ...PRODUCTION_NODE_FLAGS, "bin/gatehouse.cjs", "serve"].join(" "));
  });
});
