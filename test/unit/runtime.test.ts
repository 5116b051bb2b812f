import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { nodeEndOfLifeWarning, RECOMMENDED_NODE_MAJOR } from "../../src/config/runtime.ts";

const at = (date: string) => Date.parse(`${date}T12:00:00Z`);
const TODAY = at("2026-11-30");

describe("nodeEndOfLifeWarning()", () => {
  test("Node.js 20 is past its end of life from May 2026, in the issue's words", () => {
    const expected = "Node.js 20 is past its end of life (April 2026) and gets no security fixes; run Node.js 24 LTS";
    expect(nodeEndOfLifeWarning("20.20.2", TODAY)).toBe(expected);
    expect(nodeEndOfLifeWarning("v20.19.0", TODAY)).toBe(expected);
    expect(nodeEndOfLifeWarning("20.20.2", at("2026-04-30"))).toBe(expected);
    expect(nodeEndOfLifeWarning("20.20.2", at("2026-04-29"))).toBeNull();
  });

  test("older and odd lines name their own major and month", () => {
    expect(nodeEndOfLifeWarning("18.20.8", TODAY)).toBe("Node.js 18 is past its end of life (April 2025) and gets no security fixes; run Node.js 24 LTS");
    expect(nodeEndOfLifeWarning("19.9.0", TODAY)).toMatch(/^Node\.js 19 is past its end of life \(June 2023\) /);
    expect(nodeEndOfLifeWarning("21.7.3", TODAY)).toMatch(/^Node\.js 21 is past its end of life \(June 2024\) /);
    expect(nodeEndOfLifeWarning("23.11.1", TODAY)).toMatch(/^Node\.js 23 is past its end of life \(June 2025\) /);
    expect(nodeEndOfLifeWarning("25.2.0", TODAY)).toMatch(/^Node\.js 25 is past its end of life \(June 2026\) /);
  });

  test("a line older than the table gets the warning without a month", () => {
    expect(nodeEndOfLifeWarning("12.22.12", TODAY)).toBe("Node.js 12 is past its end of life and gets no security fixes; run Node.js 24 LTS");
    expect(nodeEndOfLifeWarning("0.12.18", TODAY)).toMatch(/^Node\.js 0 is past its end of life and /);
  });

  test("supported lines, and lines newer than the table, start without a warning", () => {
    for (const version of ["22.12.0", "24.0.0", "24.22.3", "26.1.0", "27.0.0", "30.0.0"]) expect(nodeEndOfLifeWarning(version, TODAY), version).toBeNull();
  });

  test("Node.js 22 and 24 warn once their own end of life has passed", () => {
    expect(nodeEndOfLifeWarning("22.22.0", at("2027-05-01"))).toMatch(/^Node\.js 22 is past its end of life \(April 2027\) /);
    expect(nodeEndOfLifeWarning("24.22.3", at("2028-05-01"))).toMatch(/^Node\.js 24 is past its end of life \(April 2028\) /);
  });

  test("something that is not a version is a TypeError", () => {
    for (const bad of ["", "20", "v20.x", "node 20.1.0"]) expect(() => nodeEndOfLifeWarning(bad, TODAY), bad).toThrow(TypeError);
  });
});

test("the container image builds and runs on the recommended Node.js line, in both stages", () => {
  const dockerfile = readFileSync(new URL("../../Dockerfile", import.meta.url), "utf8");
  const images = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((match) => match[1]);
  expect(images).toEqual([`node:${RECOMMENDED_NODE_MAJOR}-slim`, `node:${RECOMMENDED_NODE_MAJOR}-slim`]);
});
