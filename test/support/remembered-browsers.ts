import type { TestContext } from "./context.ts";
import { TEST_PASSWORD } from "./context.ts";
import { csrfTokenOf, type HttpClient, type Response2 } from "./http-client.ts";
import { totpCodeAt } from "./two-factor.ts";

export const REMEMBER_COOKIE = "gatehouse_remember";

/** Password, then the app code with "Remember this browser" checked; the response is the code's. */
export async function signInRemembering(ctx: TestContext, client: HttpClient, email: string, secret: Buffer): Promise<Response2> {
  ctx.clock.advance(30_000);
  const password = await client.submit("/login", { email, password: TEST_PASSWORD });
  if (password.location !== "/two-factor") throw new Error(`password step: ${password.status} ${password.location}`);
  return client.submit("/two-factor/verify", { code: totpCodeAt(secret, ctx.clock.nowMs()), remember: "on" });
}

/** Signs out, then posts the password only: "/" when the browser is remembered, "/two-factor" when not. */
export async function passwordOnly(client: HttpClient, email: string): Promise<string | null> {
  const home = await client.get("/");
  if (home.status === 200) await client.postForm("/logout", { _csrf: csrfTokenOf(home.body) });
  return (await client.submit("/login", { email, password: TEST_PASSWORD })).location;
}

export async function rememberedCount(ctx: TestContext, userId: string): Promise<number> {
  return (await ctx.testDb.database.db.selectFrom("remembered_browsers").select("id").where("user_id", "=", userId).execute()).length;
}
