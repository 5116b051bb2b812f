import { expect } from "vitest";
import type { OneTimeLink } from "../../src/db/schema.ts";
import { type CliResult, runCli } from "./cli.ts";
import type { TestContext } from "./context.ts";
import type { SharedTestContext } from "./shared-context.ts";
import type { HttpClient, Response2 } from "./http-client.ts";

/** Helpers for invitation and password-link tests: the links are read from the e-mail, as a user would. */

const LINK_PATTERN = (route: string) => new RegExp(`https?://[^\\s/]+(/${route}/[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])`, "m");

/** Delivers queued mail and returns the path of the newest `route` link e-mailed to `address`. */
export async function mailedLinkPath(ctx: TestContext, address: string, route: "invite" | "reset-password"): Promise<string> {
  await ctx.flushMail();
  const mail = ctx.outbox.latestTo(address);
  const path = mail && LINK_PATTERN(route).exec(mail.body)?.[1];
  if (!path) throw new Error(`no ${route} link e-mailed to ${address}`);
  return path;
}

/** The path of the `route` link in a text (the CLI's output, the console's page). */
export function linkPathIn(text: string, route: "invite" | "reset-password"): string {
  const path = LINK_PATTERN(route).exec(text)?.[1];
  if (!path) throw new Error(`no ${route} link in:\n${text.slice(0, 500)}`);
  return path;
}

/** The user's one invitation link row (the CLI's clock is the real one, so tests read its times from here). */
export async function inviteLinkRow(ctx: TestContext, email: string): Promise<OneTimeLink> {
  return ctx.testDb.database.db
    .selectFrom("one_time_links")
    .innerJoin("users", "users.id", "one_time_links.user_id")
    .selectAll("one_time_links")
    .where("users.email_normalized", "=", email.toLowerCase())
    .where("one_time_links.purpose", "=", "invite")
    .executeTakeFirstOrThrow();
}

/**
 * Runs `gatehouse users create` without a password against the context's database (see
 * createSharedTestContext), then sets the fake clock to when the CLI queued the mail (the CLI runs on
 * the real clock), so the server's mail queue finds it due; expiry is measured from the link's created_at.
 */
export async function inviteWithCli(ctx: SharedTestContext, email: string, name: string): Promise<{ cli: CliResult; link: OneTimeLink }> {
  const cli = await runCli(["users", "create", "--email", email, "--name", name], ctx.cliEnv);
  expect(cli.code, cli.stderr).toBe(0);
  const link = await inviteLinkRow(ctx, email);
  const mail = await ctx.testDb.database.db.selectFrom("outgoing_mail").select("next_attempt_at").where("user_id", "=", link.user_id).executeTakeFirstOrThrow();
  ctx.clock.set(Math.max(link.created_at, mail.next_attempt_at));
  return { cli, link };
}

/** Submits the invitation page's form ("Password", "Confirm password"); `formPage` gives the CSRF token when the link page no longer has a form. */
export function choosePassword(client: HttpClient, path: string, password: string, formPage = path): Promise<Response2> {
  return client.submit(formPage, { password, confirm: password }, path);
}
