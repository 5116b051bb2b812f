import { html, type SafeHtml } from "./html.ts";

/**
 * Every time a page shows goes through here (PORTAL.md §6: times in the reader's own time zone).
 * - A reader who chose a zone on "Profile": the server writes the time in that zone with the zone
 *   named ("2026-11-29 04:00 EST") and marks the `<time>` with `data-zone`, so app.js leaves it be.
 * - Anyone else: UTC, named ("2026-11-29 09:00 UTC"), which app.js rewrites in the browser's zone
 *   (progressive enhancement: without JavaScript the reader still sees a time they can place).
 * `datetime` is always the instant in ISO 8601 UTC, whatever the text says.
 */

/** The zone of the page being rendered: set by `renderInTimeZone` around a synchronous render. */
let pageZone: string | null = null;

/** Runs a synchronous page render with every time in it written in `zone` (null: UTC for app.js to rewrite). */
export function renderInTimeZone<T>(zone: string | null, render: () => T): T {
  const outer = pageZone;
  pageZone = zone;
  try {
    return render();
  } finally {
    pageZone = outer;
  }
}

interface ZoneFormats {
  minutes: Intl.DateTimeFormat;
  seconds: Intl.DateTimeFormat;
}

// Making an Intl.DateTimeFormat costs far more than using one: one pair per zone, made once. The keys
// are zones users chose (checked against Intl's list when saved), so the map stays small; a name Intl
// refuses (a row edited by hand) is kept as null and shown in UTC.
const formatsByZone = new Map<string, ZoneFormats | null>();

function formatsFor(zone: string): ZoneFormats | null {
  let formats = formatsByZone.get(zone);
  if (formats === undefined) {
    // en-US: the same short names browsers use by default (EST, GMT+1, GMT+5:30, UTC); h23: never "24:00".
    const common = { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" } as const;
    try {
      formats = {
        minutes: new Intl.DateTimeFormat("en-US", { ...common, year: "numeric", month: "2-digit", day: "2-digit" }),
        seconds: new Intl.DateTimeFormat("en-US", { ...common, second: "2-digit" }),
      };
    } catch {
      formats = null;
    }
    formatsByZone.set(zone, formats);
  }
  return formats;
}

/** The zone's formatters, or null when times are written in UTC for the browser to rewrite. */
function zoneFormats(zone: string | null): ZoneFormats | null {
  return zone === null ? null : formatsFor(zone);
}

function parts(format: Intl.DateTimeFormat, ms: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of format.formatToParts(ms)) out[part.type] = part.value;
  return out;
}

/** "2026-11-29 09:00 UTC" from "2026-11-29T09:00:00.000Z". */
function utcText(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "2026-11-29 09:00 UTC": what every reader can place, and what app.js rewrites. */
export function formatUtc(ms: number): string {
  return utcText(new Date(ms).toISOString());
}

/** A date and time to the minute in `zone` with the zone named ("2026-11-29 04:00 EST"); UTC when null or unknown. */
export function formatTime(ms: number, zone: string | null = pageZone): string {
  const formats = zoneFormats(zone);
  if (!formats) return formatUtc(ms);
  // format() is three times faster than formatToParts(): en-US writes "11/29/2026, 04:00 EST", which is
  // taken apart by position while it has that shape (formatToParts is the fallback should ICU change it).
  const text = formats.minutes.format(ms);
  if (text.charCodeAt(2) === 47 && text.charCodeAt(5) === 47 && text.charCodeAt(10) === 44) return `${text.slice(6, 10)}-${text.slice(0, 2)}-${text.slice(3, 5)} ${text.slice(12)}`;
  const p = parts(formats.minutes, ms);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** A time of day to the second in `zone` with the zone named ("01:37:59 EST"); UTC when null or unknown. */
export function formatClockTime(ms: number, zone: string | null = pageZone): string {
  const formats = zoneFormats(zone);
  if (!formats) return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
  const p = parts(formats.seconds, ms);
  return `${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
}

/** Every time a page shows: `<time datetime>` in the page's zone (see the top of this file). */
export function timeTag(ms: number, zone: string | null = pageZone): SafeHtml {
  const iso = new Date(ms).toISOString();
  if (!zoneFormats(zone)) return html`<time datetime="${iso}">${utcText(iso)}</time>`;
  return html`<time datetime="${iso}" data-zone="${zone}">${formatTime(ms, zone)}</time>`;
}

/**
 * A deadline to the second, which app.js turns into a countdown (in the chosen zone, or the browser's).
 * The server says how many seconds are left, so a wrong device clock cannot end a code early.
 */
export function countdownTag(atMs: number, secondsLeft: number, zone: string | null = pageZone): SafeHtml {
  const iso = new Date(atMs).toISOString();
  const zoned = zoneFormats(zone) ? zone : null;
  return html`<time datetime="${iso}" data-countdown-seconds="${secondsLeft}"${zoned ? html` data-zone="${zoned}"` : null}>${formatClockTime(atMs, zoned)}</time>`;
}
