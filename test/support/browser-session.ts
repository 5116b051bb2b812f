import type { Locator, Page } from "playwright-core";
import type { Role } from "../../src/db/schema.ts";
import { sessionCookieName } from "../../src/http/cookies.ts";
import type { TestContext } from "./context.ts";

/** The page's one h1, by its exact text. */
export function heading(page: Page, name: string): Locator {
  return page.getByRole("heading", { level: 1, name, exact: true });
}

/** The page's browser holds a full session of a new `role` user (the sign-in pages have their own browser tests). */
export async function signInBrowserAs(ctx: TestContext, page: Page, role: Role, name: string): Promise<void> {
  const user = await ctx.createUser({ role, name, password: null });
  const client = await ctx.fullSessionClient(user);
  const cookie = sessionCookieName(ctx.deps.config);
  await page.context().addCookies([{ name: cookie, value: client.cookie(cookie)!, url: ctx.baseUrl }]);
}
