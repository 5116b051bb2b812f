import type { Locator, Page } from "playwright-core";

/** Queries on a page that the browser tests share. */

/** The path of the page's current URL. */
export function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** The page's title heading (h1) with exactly this text. */
export function heading(page: Page, name: string): Locator {
  return page.getByRole("heading", { level: 1, name, exact: true });
}

/** Whether `target` has the keyboard focus. */
export async function isFocused(page: Page, target: Locator): Promise<boolean> {
  return (await target.and(page.locator(":focus")).count()) === 1;
}
