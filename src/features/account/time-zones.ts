/**
 * The time zones "Profile" offers: every IANA zone this Node's ICU knows (`Intl.supportedValuesOf`),
 * and "UTC", which that list leaves out. A saved zone is always one of these, so the server can format
 * times in it (src/views/time.ts); a zone that a later Node renamed still formats (ICU keeps aliases).
 */

/** The longest IANA name is about 30 characters; anything much longer is not one. */
export const TIME_ZONE_MAX_LENGTH = 64;

export const UTC_ZONE = "UTC";

const ZONES: readonly string[] = Intl.supportedValuesOf("timeZone");
const KNOWN: ReadonlySet<string> = new Set([...ZONES, UTC_ZONE]);

export function isTimeZone(value: string): boolean {
  return KNOWN.has(value);
}

/**
 * The listed zone a submitted name stands for: the name itself, or the one ICU files it under
 * ("Asia/Kolkata" is "Asia/Calcutta" to Node 20's ICU, "US/Eastern" is "America/New_York"); null
 * for anything else. Only "Area/Location" names are looked up, so "EST" or "GMT+1" are refused.
 */
export function parseTimeZone(value: string): string | null {
  if (KNOWN.has(value)) return value;
  if (!/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(value)) return null;
  try {
    const canonical = new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
    return KNOWN.has(canonical) ? canonical : null;
  } catch {
    return null;
  }
}

export interface ZoneGroup {
  /** The region: the part of the name before the first "/" ("America"). */
  region: string;
  /** Each zone with the rest of its name as people read it: "America/Argentina/La_Rioja" → "Argentina/La Rioja". */
  zones: readonly { zone: string; place: string }[];
}

/** The zones by region, regions and places in alphabetical order; made once (one collator: localeCompare makes one a call). */
export const ZONE_GROUPS: readonly ZoneGroup[] = (() => {
  const collator = new Intl.Collator("en");
  const byRegion = new Map<string, { zone: string; place: string }[]>();
  for (const zone of ZONES) {
    const slash = zone.indexOf("/");
    if (slash < 0) continue;
    const region = zone.slice(0, slash);
    const places = byRegion.get(region) ?? [];
    places.push({ zone, place: zone.slice(slash + 1).replaceAll("_", " ") });
    byRegion.set(region, places);
  }
  return [...byRegion.entries()]
    .sort(([a], [b]) => collator.compare(a, b))
    .map(([region, zones]) => ({ region, zones: zones.sort((a, b) => collator.compare(a.place, b.place)) }));
})();
