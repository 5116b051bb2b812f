import { describe, expect, it } from "vitest";
import { SMS_LIMITS } from "../../src/auth/sms-challenge.ts";
import { auditRowsOfType, insertSmsFactor, userRow } from "../support/admin.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";
import { errorLinksOf, errorSummaryOf, statusOf } from "../support/page-errors.ts";
import { sendSmsSetupCode } from "../support/two-factor.ts";

interface TimeElement {
  datetime: string;
  zone: string | null;
  text: string;
}

/** Every `<time>` of a page: its ISO instant, its data-zone and its text. */
function timesOf(body: string): TimeElement[] {
  return [...body.matchAll(/<time datetime="([^"]+)"(?: data-countdown-seconds="\d+")?(?: data-zone="([^"]+)")?>([^<]*)<\/time>/g)].map((m) => ({ datetime: m[1]!, zone: m[2] ?? null, text: m[3]! }));
}

/** The instant moved by a fixed offset, as "YYYY-MM-DD HH:MM" (to the second with `seconds`): what a zone without clock changes shows. */
function shifted(iso: string, offsetMinutes: number, seconds = false): string {
  const text = new Date(Date.parse(iso) + offsetMinutes * MINUTE_MS).toISOString().replace("T", " ");
  return seconds ? text.slice(11, 19) : text.slice(0, 16);
}

const COLOMBO = 5 * 60 + 30;
const NEW_YORK_IN_NOVEMBER = -5 * 60;

describe.each(TEST_DIALECTS)("the time zone chosen on Profile (%s)", (dialect) => {
  const ctx = useTestContext(dialect);
  const db = () => ctx.testDb.database.db;
  const setZone = (userId: string, zone: string | null) => db().updateTable("users").set({ time_zone: zone }).where("id", "=", userId).execute();

  it("offers the browser's zone first, then UTC and every zone by region; Save keeps it, and the browser's again", async () => {
    const user = await ctx.createUser({ name: "Ann" });
    const client = await ctx.fullSessionClient(user);
    const page = (await client.get("/account/profile")).body;
    expect(page).toContain('<label for="field-time_zone">Time zone</label>');
    expect(page).toMatch(/<select id="field-time_zone" name="time_zone" aria-describedby="field-time_zone-hint">\s*<option value="" selected>Your browser&#39;s time zone<\/option><option value="UTC">UTC<\/option><optgroup label="Africa">/);
    expect(page).toContain('<optgroup label="America">');
    expect(page).toContain('<option value="America/New_York">New York</option>');

    expect((await client.submit("/account/profile", { name: "Ann", time_zone: "Europe/Berlin" })).location).toBe("/account/profile");
    const saved = (await client.get("/account/profile")).body;
    expect(statusOf(saved)).toBe("Your profile has been saved.");
    expect(saved).toContain('<option value="Europe/Berlin" selected>Berlin</option>');
    expect(saved).not.toContain('<option value="" selected>');
    expect(await userRow(ctx, user.id)).toMatchObject({ display_name: "Ann", time_zone: "Europe/Berlin" });
    expect(await auditRowsOfType(ctx, "profile.name_changed")).toHaveLength(0); // only the zone changed

    // A form without the select (an older page) leaves the zone alone; the name and the zone change together.
    expect((await client.submit("/account/profile", { name: "Ann B" })).status).toBe(303);
    expect(await userRow(ctx, user.id)).toMatchObject({ display_name: "Ann B", time_zone: "Europe/Berlin" });
    expect((await client.submit("/account/profile", { name: "Ann", time_zone: "US/Eastern" })).status).toBe(303); // an alias: the listed name is kept
    expect((await userRow(ctx, user.id)).time_zone).toBe("America/New_York");
    expect((await client.submit("/account/profile", { name: "Ann", time_zone: "UTC" })).status).toBe(303);
    expect(await userRow(ctx, user.id)).toMatchObject({ display_name: "Ann", time_zone: "UTC" });
    expect((await client.submit("/account/profile", { name: "Ann", time_zone: "" })).status).toBe(303);
    expect((await userRow(ctx, user.id)).time_zone).toBeNull();
  });

  it("refuses an unknown zone, an overlong one or one that is not text with a 400 naming the field, and changes nothing", async () => {
    const user = await ctx.createUser({ name: "Ann" });
    await setZone(user.id, "Asia/Colombo");
    const client = await ctx.fullSessionClient(user);
    const post = async (fields: Record<string, string | string[]>) => client.postForm("/account/profile", { _csrf: csrfTokenOf((await client.get("/account/profile")).body), ...fields });
    const cases: [Record<string, string | string[]>, string[]][] = [
      [{ name: "Bea", time_zone: "Mars/Olympus" }, ["Time zone must be one of the zones in the list."]],
      [{ name: "Bea", time_zone: `Europe/${"x".repeat(60)}` }, ["Time zone must be 64 characters or fewer."]],
      [{ name: "Bea", time_zone: ["Europe/Berlin", "UTC"] }, ["Time zone was sent in a form this page did not make. Reload the page and try again."]],
      [{ name: "  ", time_zone: "Mars/Olympus" }, ["Enter a name of 1 to 100 characters.", "Time zone must be one of the zones in the list."]],
    ];
    for (const [fields, errors] of cases) {
      const refused = await post(fields);
      expect(refused.status).toBe(400);
      expect(errorSummaryOf(refused.body)).toEqual(errors);
      expect(await userRow(ctx, user.id)).toMatchObject({ display_name: "Ann", time_zone: "Asia/Colombo" });
    }
    const unknown = await post({ name: "Bea", time_zone: "Mars/Olympus" });
    expect(errorLinksOf(unknown.body)).toEqual(["field-time_zone"]);
    expect(unknown.body).toContain('aria-describedby="field-time_zone-hint field-time_zone-error" aria-invalid="true"');
    expect(unknown.body).toContain('<option value="Asia/Colombo" selected>Colombo</option>'); // what is saved, not what was sent
    expect(unknown.body).not.toContain("Mars/Olympus");
  });

  it("the dashboard writes its times in the chosen zone, named; datetime stays the UTC instant", async () => {
    const user = await ctx.createUser({ name: "Ann" });
    expect((await ctx.client().submit("/login", { email: user.email, password: "not the password" })).status).toBe(401);
    ctx.clock.advance(MINUTE_MS);
    const client = await ctx.fullSessionClient(user);
    const activity = async () => timesOf((await client.get("/")).body);

    const utc = await activity();
    expect(utc).toEqual([{ datetime: new Date(ctx.clock.nowMs() - MINUTE_MS).toISOString(), zone: null, text: "2026-11-29 09:00 UTC" }]);

    for (const [zone, offset, name] of [["Asia/Colombo", COLOMBO, "GMT+5:30"], ["America/New_York", NEW_YORK_IN_NOVEMBER, "EST"]] as const) {
      expect((await client.submit("/account/profile", { name: "Ann", time_zone: zone })).status).toBe(303);
      const times = await activity();
      expect(times).toHaveLength(1);
      expect(times[0]).toEqual({ datetime: utc[0]!.datetime, zone, text: `${shifted(utc[0]!.datetime, offset)} ${name}` });
    }
    expect((await client.submit("/account/profile", { name: "Ann", time_zone: "" })).status).toBe(303);
    expect(await activity()).toEqual(utc);
  });

  it("a code's deadline and a sentence with a time follow the zone once the password is proven", async () => {
    const zoned = await ctx.createUser();
    await setZone(zoned.id, "Asia/Colombo");
    await insertSmsFactor(ctx.testDb.database, ctx.clock.nowMs(), zoned.id, "+447400123456");
    const deadlineOf = async (client: HttpClient) => timesOf((await client.get("/two-factor/verify")).body);
    const [deadline] = await deadlineOf(await ctx.signInWithPassword(zoned.email));
    expect(deadline).toEqual({ datetime: new Date(ctx.clock.nowMs() + 10 * MINUTE_MS).toISOString(), zone: "Asia/Colombo", text: `${shifted(deadline!.datetime, COLOMBO, true)} GMT+5:30` });

    const plain = await ctx.createUser();
    await insertSmsFactor(ctx.testDb.database, ctx.clock.nowMs(), plain.id, "+447400123457");
    expect(await deadlineOf(await ctx.signInWithPassword(plain.email))).toEqual([{ ...deadline!, zone: null, text: `${deadline!.datetime.slice(11, 19)} UTC` }]);

    // One number's hourly SMS limit, then a user with a zone asks for one more: "Try again after" in their zone.
    for (let i = 0; i < SMS_LIMITS.perNumber.limit; i += 1) {
      expect((await sendSmsSetupCode(await ctx.signInWithPassword((await ctx.createUser()).email), "+44 7400 999999")).status).toBe(303);
      ctx.clock.advance(MINUTE_MS);
    }
    const late = await ctx.createUser();
    await setZone(late.id, "Asia/Colombo");
    const refused = await sendSmsSetupCode(await ctx.signInWithPassword(late.email), "+44 7400 999999");
    expect(refused.status).toBe(429);
    const [retry] = timesOf(refused.body);
    expect(retry).toMatchObject({ zone: "Asia/Colombo", text: `${shifted(retry!.datetime, COLOMBO)} GMT+5:30` });
    expect(refused.body).toContain(`Try again after <time datetime="${retry!.datetime}" data-zone="Asia/Colombo">`);
  });
});
