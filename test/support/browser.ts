import { existsSync } from "node:fs";
import { AxeBuilder } from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

/** Debian's package first, then Ubuntu's name for it. We never download a browser. */
export const CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

// Quiet and deterministic: no sandbox (CI runs as root), no GPU, no traffic to Google's services.
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"];

const INSTALL_HINT = "Install the system browser with `apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium binary.";

/** The system Chromium: CHROMIUM_PATH when set, else the first candidate that exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist. ${INSTALL_HINT}`);
    return configured;
  }
  const found = CHROMIUM_CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new Error(`No Chromium found at ${CHROMIUM_CANDIDATES.join(" or ")}. ${INSTALL_HINT}`);
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
}

/** One browser per test file: launched before its first test, closed after its last. */
export function useBrowser(): () => Browser {
  let browser: Browser | null = null;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("the browser is only available inside tests (useBrowser() launches it in beforeAll)");
    return browser;
  };
}

export interface Pages {
  /** A page in a fresh browser context on the test server; `clockMs` fixes the browser's clock there, `timezoneId` its time zone. */
  open(options?: { javaScriptEnabled?: boolean; clockMs?: number; timezoneId?: string }): Promise<Page>;
  /** Moves the clock of every open page (the pages' countdowns read it) to the server's fake time. */
  setClock(ms: number): Promise<void>;
}

/**
 * Pages for one test file: each test's pages are closed after it, and the test fails if any of them
 * threw, logged an error or failed to load an asset (see collectPageProblems).
 */
export function usePages(browser: () => Browser, baseUrl: () => string): Pages {
  let opened: { context: BrowserContext; problems: string[] }[] = [];
  afterEach(async () => {
    const problems = opened.flatMap((entry) => entry.problems);
    for (const entry of opened) await entry.context.close();
    opened = [];
    expect(problems, "script errors, CSP violations or failed assets").toEqual([]);
  });
  return {
    async open(options = {}) {
      const context = await browser().newContext({ baseURL: baseUrl(), javaScriptEnabled: options.javaScriptEnabled ?? true, timezoneId: options.timezoneId });
      // Below vitest's 30 s test timeout, so a missing element fails with Playwright's own message.
      context.setDefaultTimeout(10_000);
      if (options.clockMs !== undefined) await context.clock.setFixedTime(options.clockMs);
      const page = await context.newPage();
      opened.push({ context, problems: collectPageProblems(page) });
      return page;
    },
    async setClock(ms) {
      for (const entry of opened) await entry.context.clock.setFixedTime(ms);
    },
  };
}

/**
 * Collects what a page should never do under its own CSP: throw, log an error (CSP violations are
 * logged so), or fail to load a script, style or image. An error status on the page itself (a 401
 * sign-in page) is the server's answer, not a problem; nor is Chromium's automatic favicon request.
 */
export function collectPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`script error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) problems.push(`console error: ${message.text()}`);
  });
  page.on("response", (response) => {
    const request = response.request();
    if (response.status() >= 400 && request.resourceType() !== "document" && !request.url().endsWith("/favicon.ico")) {
      problems.push(`${response.status()} for ${request.resourceType()} ${request.url()}`);
    }
  });
  page.on("requestfailed", (request) => problems.push(`${request.resourceType()} ${request.url()} failed: ${request.failure()?.errorText}`));
  return problems;
}

const BLOCKING_IMPACTS = new Set(["serious", "critical"]);

/**
 * Runs axe-core on the page as it is now and fails listing every serious or critical violation.
 * The page must come from `browser.newContext()` (AxeBuilder refuses pages from `browser.newPage()`).
 */
export async function expectNoSeriousA11yViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations
    .filter((violation) => BLOCKING_IMPACTS.has(violation.impact ?? ""))
    .map((violation) => `- ${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  if (blocking.length > 0) {
    throw new Error(`axe found ${blocking.length} serious or critical accessibility violation(s) on ${page.url()}:\n${blocking.join("\n")}`);
  }
}
