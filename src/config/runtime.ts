/** The Node.js line Gatehouse is built, tested and shipped on (Dockerfile, .ci/run). */
export const RECOMMENDED_NODE_MAJOR = 24;

/**
 * When each Node.js release line stops getting security fixes: even lines ~30 months after release
 * (end of April), odd lines after 8 months (June). Source: https://github.com/nodejs/Release
 * (schedule.json). A line older than this table is past its end of life too; a newer one is not yet.
 */
const END_OF_LIFE: ReadonlyMap<number, { dateMs: number; month: string }> = new Map(
  (
    [
      [14, "2023-04-30", "April 2023"],
      [15, "2021-06-01", "June 2021"],
      [16, "2023-09-11", "September 2023"],
      [17, "2022-06-01", "June 2022"],
      [18, "2025-04-30", "April 2025"],
      [19, "2023-06-01", "June 2023"],
      [20, "2026-04-30", "April 2026"],
      [21, "2024-06-01", "June 2024"],
      [22, "2027-04-30", "April 2027"],
      [23, "2025-06-01", "June 2025"],
      [24, "2028-04-30", "April 2028"],
      [25, "2026-06-01", "June 2026"],
      [26, "2029-04-30", "April 2029"],
      [27, "2027-06-01", "June 2027"],
    ] as const
  ).map(([major, date, month]) => [major, { dateMs: Date.parse(`${date}T00:00:00Z`), month }]),
);
const OLDEST_LISTED_MAJOR = Math.min(...END_OF_LIFE.keys());

/**
 * The one line to print at start when `nodeVersion` (`process.versions.node`, "20.20.2" or "v20.20.2")
 * belongs to a release line past its end of life at `nowMs`, or null. The process carries on either way.
 */
export function nodeEndOfLifeWarning(nodeVersion: string, nowMs: number): string | null {
  const major = /^v?(\d+)\.\d+\.\d+/.exec(nodeVersion)?.[1];
  if (major === undefined) throw new TypeError(`not a Node.js version: ${JSON.stringify(nodeVersion)}`);
  const line = Number(major);
  const advice = `gets no security fixes; run Node.js ${RECOMMENDED_NODE_MAJOR} LTS`;
  if (line < OLDEST_LISTED_MAJOR) return `Node.js ${line} is past its end of life and ${advice}`;
  const endOfLife = END_OF_LIFE.get(line);
  if (!endOfLife || nowMs < endOfLife.dateMs) return null;
  return `Node.js ${line} is past its end of life (${endOfLife.month}) and ${advice}`;
}
