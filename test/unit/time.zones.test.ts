import { describe, expect, test } from "vitest";
import { isTimeZone, parseTimeZone, ZONE_GROUPS } from "../../src/features/account/time-zones.ts";
import { composeSecurityNotice } from "../../src/notifications/security-notice.ts";
import { countdownTag, formatClockTime, formatTime, renderInTimeZone, timeTag } from "../../src/views/time.ts";

const WINTER = Date.UTC(2026, 0, 15, 12, 0, 0);
const SUMMER = Date.UTC(2026, 6, 15, 12, 0, 0);

describe("formatTime()", () => {
  test.each([
    ["Europe/Berlin", WINTER, "2026-01-15 13:00 GMT+1"],
    ["Europe/Berlin", SUMMER, "2026-07-15 14:00 GMT+2"],
    ["America/New_York", WINTER, "2026-01-15 07:00 EST"],
    ["America/New_York", SUMMER, "2026-07-15 08:00 EDT"],
    ["Asia/Kolkata", WINTER, "2026-01-15 17:30 GMT+5:30"],
    ["Asia/Kolkata", SUMMER, "2026-07-15 17:30 GMT+5:30"],
    ["UTC", WINTER, "2026-01-15 12:00 UTC"],
    ["UTC", SUMMER, "2026-07-15 12:00 UTC"],
  ])("in %s", (zone, ms, expected) => {
    expect(formatTime(ms, zone)).toBe(expected);
  });

  test("without a zone, or with one Intl does not know, the time is UTC with UTC named", () => {
    expect(formatTime(WINTER, null)).toBe("2026-01-15 12:00 UTC");
    expect(formatTime(WINTER, "Mars/Olympus")).toBe("2026-01-15 12:00 UTC");
    expect(formatTime(WINTER)).toBe("2026-01-15 12:00 UTC"); // outside a page render
  });

  test("the date follows the zone across midnight and the year, and midnight is 00, never 24", () => {
    expect(formatTime(Date.UTC(2026, 11, 31, 23, 30), "Asia/Tokyo")).toBe("2027-01-01 08:30 GMT+9");
    expect(formatTime(Date.UTC(2026, 0, 15, 23, 0), "Europe/Berlin")).toBe("2026-01-16 00:00 GMT+1");
    expect(formatTime(Date.UTC(2026, 0, 15, 3, 0), "America/New_York")).toBe("2026-01-14 22:00 EST");
  });

  test("the clock change: Berlin goes from 01:59 GMT+1 to 03:00 GMT+2 on 2026-03-29", () => {
    expect(formatTime(Date.UTC(2026, 2, 29, 0, 59), "Europe/Berlin")).toBe("2026-03-29 01:59 GMT+1");
    expect(formatTime(Date.UTC(2026, 2, 29, 1, 0), "Europe/Berlin")).toBe("2026-03-29 03:00 GMT+2");
  });

  test("a zone's formatters are made once, however many times are written in it", () => {
    const Original = Intl.DateTimeFormat;
    let made = 0;
    class Counting extends Original {
      constructor(...args: ConstructorParameters<typeof Original>) {
        super(...args);
        made += 1;
      }
    }
    Object.defineProperty(Intl, "DateTimeFormat", { value: Counting, configurable: true, writable: true });
    try {
      for (let i = 0; i < 50; i += 1) formatTime(WINTER + i * 60_000, "Pacific/Chatham");
      for (let i = 0; i < 50; i += 1) formatClockTime(WINTER + i * 1000, "Pacific/Chatham");
      expect(formatTime(WINTER, "Pacific/Chatham")).toBe("2026-01-16 01:45 GMT+13:45");
    } finally {
      Object.defineProperty(Intl, "DateTimeFormat", { value: Original, configurable: true, writable: true });
    }
    expect(made).toBe(2); // minutes and seconds, for this zone, the first time
  });

  test("should ICU's en-US shape ever change, the time is still written right (from the parts)", () => {
    const Original = Intl.DateTimeFormat;
    class Reshaped extends Original {
      override format(): string {
        return "Thursday 15 January 2026 at 23:00:00 Fiji Standard Time";
      }
    }
    Object.defineProperty(Intl, "DateTimeFormat", { value: Reshaped, configurable: true, writable: true });
    try {
      expect(formatTime(WINTER, "Pacific/Fiji")).toBe("2026-01-16 00:00 GMT+12");
    } finally {
      Object.defineProperty(Intl, "DateTimeFormat", { value: Original, configurable: true, writable: true });
    }
  });
});

describe("formatClockTime()", () => {
  test("to the second, with the zone named", () => {
    const ms = Date.UTC(2026, 10, 29, 6, 37, 59);
    expect(formatClockTime(ms, null)).toBe("06:37:59 UTC");
    expect(formatClockTime(ms, "Europe/Berlin")).toBe("07:37:59 GMT+1");
    expect(formatClockTime(ms, "Asia/Kolkata")).toBe("12:07:59 GMT+5:30");
  });
});

describe("timeTag() and countdownTag()", () => {
  test("no zone: UTC text for app.js to rewrite; datetime is the ISO instant", () => {
    expect(String(timeTag(WINTER, null))).toBe('<time datetime="2026-01-15T12:00:00.000Z">2026-01-15 12:00 UTC</time>');
  });

  test("a chosen zone: that zone's text, marked with data-zone so app.js leaves it; datetime stays UTC", () => {
    expect(String(timeTag(WINTER, "America/New_York"))).toBe('<time datetime="2026-01-15T12:00:00.000Z" data-zone="America/New_York">2026-01-15 07:00 EST</time>');
  });

  test("an unknown zone is not passed on to app.js", () => {
    expect(String(timeTag(WINTER, "Mars/Olympus"))).toBe('<time datetime="2026-01-15T12:00:00.000Z">2026-01-15 12:00 UTC</time>');
  });

  test("a page render sets the zone for every time in it, and the one around it comes back after", () => {
    const inner = renderInTimeZone("Asia/Kolkata", () => String(timeTag(WINTER)));
    expect(inner).toContain(">2026-01-15 17:30 GMT+5:30<");
    const nested = renderInTimeZone("Europe/Berlin", () => [String(timeTag(WINTER)), renderInTimeZone(null, () => String(timeTag(WINTER))), String(timeTag(WINTER))]);
    expect(nested).toEqual([expect.stringContaining("13:00 GMT+1"), expect.stringContaining("12:00 UTC"), expect.stringContaining("13:00 GMT+1")]);
    expect(() =>
      renderInTimeZone("Europe/Berlin", () => {
        throw new Error("render failed");
      }),
    ).toThrow("render failed");
    expect(String(timeTag(WINTER))).toContain("12:00 UTC");
  });

  test("a deadline carries the seconds left, and the zone when one was chosen", () => {
    const at = Date.UTC(2026, 10, 29, 6, 37, 59);
    expect(String(countdownTag(at, 600, null))).toBe('<time datetime="2026-11-29T06:37:59.000Z" data-countdown-seconds="600">06:37:59 UTC</time>');
    expect(String(countdownTag(at, 600, "America/New_York"))).toBe('<time datetime="2026-11-29T06:37:59.000Z" data-countdown-seconds="600" data-zone="America/New_York">01:37:59 EST</time>');
  });
});

describe("the zones Profile offers", () => {
  test("IANA names and UTC; nothing else", () => {
    for (const zone of ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"]) expect(isTimeZone(zone)).toBe(true);
    for (const zone of ["", "Mars/Olympus", "europe/berlin", "Europe/Berlin ", "GMT+1", "__proto__", "constructor"]) expect(isTimeZone(zone)).toBe(false);
  });

  test("a submitted name is the listed zone it stands for: itself, or the name ICU files an alias under", () => {
    expect(parseTimeZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(parseTimeZone("UTC")).toBe("UTC");
    expect(parseTimeZone("US/Eastern")).toBe("America/New_York");
    const kolkata = parseTimeZone("Asia/Kolkata"); // "Asia/Calcutta" to older ICUs
    expect(kolkata !== null && isTimeZone(kolkata)).toBe(true);
    expect(formatTime(WINTER, kolkata)).toBe("2026-01-15 17:30 GMT+5:30");
    for (const junk of ["", "Mars/Olympus", "EST", "GMT+1", "+01:00", "Etc/GMT+5", "Europe/Berlin ", "../etc/passwd", "__proto__", "constructor", "Europe/Ber\u0000lin"]) {
      expect(parseTimeZone(junk), junk).toBeNull();
    }
  });

  test("grouped by region, regions and places in alphabetical order, places as people read them", () => {
    const regions = ZONE_GROUPS.map((group) => group.region);
    expect(regions).toEqual([...regions].sort());
    expect(regions).toContain("Europe");
    const america = ZONE_GROUPS.find((group) => group.region === "America")!;
    expect(america.zones).toContainEqual({ zone: "America/New_York", place: "New York" });
    expect(america.zones).toContainEqual({ zone: "America/Argentina/La_Rioja", place: "Argentina/La Rioja" });
    const places = america.zones.map((z) => z.place);
    expect(places).toEqual([...places].sort((a, b) => a.localeCompare(b, "en")));
    expect(ZONE_GROUPS.flatMap((group) => group.zones).every(({ zone }) => isTimeZone(zone))).toBe(true);
  });
});

describe("security notices", () => {
  const notice = { type: "password.changed" as const, atMs: WINTER, ip: null, userAgent: null, displayName: "Ann", portalName: "Portal", supportContact: "help@example.com", publicUrl: "https://portal.example/" };

  test("say when in the zone the user chose, else in UTC", () => {
    expect(composeSecurityNotice({ ...notice, timeZone: "Asia/Kolkata" }).text).toContain("When: 2026-01-15 17:30 GMT+5:30");
    expect(composeSecurityNotice({ ...notice, timeZone: null }).text).toContain("When: 2026-01-15 12:00 UTC");
    expect(composeSecurityNotice(notice).text).toContain("When: 2026-01-15 12:00 UTC");
  });
});
