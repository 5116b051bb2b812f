import type { TestContext } from "./context.ts";
import type { HttpClient, Response2 } from "./http-client.ts";

/** The codes on "Your recovery codes", in the order shown. */
export function codesFromPage(html: string): string[] {
  return [...html.matchAll(/<li><code>([A-Z0-9]{5}-[A-Z0-9]{5})<\/code><\/li>/g)].map((match) => match[1]!);
}

/** Presses "Create recovery codes" on "Manage Two-Factor Login" (the session must be fresh) and reads the codes. */
export async function createCodes(client: HttpClient): Promise<string[]> {
  const response = await client.submit("/two-factor", {}, "/two-factor/recovery-codes");
  if (response.status !== 200) throw new Error(`recovery codes not created: ${response.status} ${response.location}`);
  const codes = codesFromPage(response.body);
  if (codes.length !== 10) throw new Error(`expected 10 codes, found ${codes.length}`);
  return codes;
}

/** Signs in with the password (a new client) and submits `code` on "Use a recovery code"; the response is the POST's. */
export async function signInWithRecoveryCode(ctx: TestContext, email: string, code: string): Promise<{ client: HttpClient; response: Response2 }> {
  const client = await ctx.signInWithPassword(email);
  const response = await client.submit("/two-factor/recovery", { recovery_code: code });
  return { client, response };
}

export async function unusedCodeCount(ctx: TestContext, userId: string): Promise<number> {
  const rows = await ctx.testDb.database.db.selectFrom("recovery_codes").select("id").where("user_id", "=", userId).where("used_at", "is", null).execute();
  return rows.length;
}
