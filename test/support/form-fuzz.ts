import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { FIELD_MAX_LENGTH } from "../../src/http/forms/form.ts";

/**
 * Random form bodies for the fuzz test (test/security/http.form-fuzz.test.ts). Every body carries a valid
 * CSRF token; a "poisoned" one also carries something no form of the portal accepts (a field none
 * has, a field given twice, or a value over FIELD_MAX_LENGTH), so the portal must refuse it.
 */

/**
 * The fields of each form, so that many bodies get past the schema to the checks behind it. Only for
 * depth: a route missing here (a new one) is fuzzed all the same, with every known field name.
 */
export const FORM_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "/login": ["email", "password"],
  "/forgot-password": ["email"],
  "/setup/:token": ["name", "email", "password", "confirm"],
  "/invite/:token": ["password", "confirm"],
  "/reset-password/:token/password": ["password", "confirm"],
  "/account/password": ["current", "password", "confirm"],
  "/account/profile": ["name", "time_zone"],
  "/admin/users": ["email", "name", "role"],
  "/admin/users/:id/role": ["role"],
  "/admin/users/:id/email": ["email"],
  "/admin/users/:id/reset-2fa": ["identity_check", "reason"],
  "/admin/users/:id/invitation/resend": ["page"],
  "/admin/users/:id/invitation/revoke": ["page", "confirm"],
  "/two-factor/setup/sms/send": ["phone"],
  "/two-factor/fallback/send": ["phone"],
  "/two-factor/reset": ["reset_code"],
  ...Object.fromEntries(
    ["/two-factor/verify", "/two-factor/step-up", "/two-factor/setup/app/verify", "/two-factor/setup/sms/verify", "/two-factor/fallback/verify", "/reset-password/:token/verify"].map((route) => [route, ["code"]]),
  ),
};

/** Every field name the portal's forms use; a body may mix them whatever the route. */
export const KNOWN_FIELDS = [...new Set(Object.values(FORM_FIELDS).flat())];

/** The POST routes, read from Fastify's route tree, so a new route is fuzzed without being listed here. */
export function postRoutes(app: FastifyInstance): string[] {
  const parents: string[] = [];
  const routes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    // "    │   ├── /verify (GET, HEAD, POST)": four characters of tree per level, then the segment.
    const match = /^((?:[│ ]   )*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    parents.length = depth;
    parents.push(match[2]!);
    const path = parents.join("");
    if (match[3]?.split(", ").includes("POST")) routes.push(path);
  }
  return routes.sort();
}

const NASTY = ["", " ", "\u0000", "\u0007\b\u001b[2J", "\r\n\r\n", "\u202etxt.exe", "\ufeff", "\u200b", "%", "%00", "&=", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "null", "__proto__", "constructor", "123456", "000000", "+447400123456", "ann@example.com", "a@b", "true", "[]", "{}", "Ω≈ç√∫", "😀👍🏽", "ﷺ", "𝕿𝖊𝖘𝖙"];

/** One text value: printable, any Unicode (lone surrogates too), control characters, look-alikes of valid input. */
export const textValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(...NASTY),
  fc.stringMatching(/^\d{1,8}$/),
  fc.emailAddress(),
);

const hugeValue: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: FIELD_MAX_LENGTH + 1, max: 4_000 }), fc.constantFrom("x", "é", "😀", "\u0000", "%"))
  .map(([length, unit]) => unit.repeat(length).slice(0, length));

const knownField = fc.constantFrom(...KNOWN_FIELDS);
/** A name no form has ("zz" first keeps it clear of real names and of __proto__). */
const unknownField = fc.string({ minLength: 0, maxLength: 16 }).map((name) => `zz${name}`);

type Pair = [string, string];

const poison: fc.Arbitrary<Pair[]> = fc.oneof(
  fc.tuple(unknownField, textValue).map((pair): Pair[] => [pair]),
  fc.tuple(knownField, fc.array(textValue, { minLength: 2, maxLength: 3 })).map(([name, values]) => values.map((value): Pair => [name, value])),
  fc.tuple(knownField, hugeValue).map((pair): Pair[] => [pair]),
);

/** Text appended to the encoded body as it is: broken percent-encoding, empty pairs, bracket names. */
const rawTail = fc.oneof({ weight: 4, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("&", "&&=&", "&%", "&zz=%E0%A4%A", "&zz%00=%00", "&zz[a]=b", "&zz=1&zz=2") });

export interface FuzzBody {
  body: string;
  /** Carries something every form refuses: the request must get a 4xx. */
  poisoned: boolean;
}

/** A form body: the CSRF token, some of the route's fields or others (maybe none: missing fields), and half the time poison. */
export function formBody(csrfToken: string, route: string): fc.Arbitrary<FuzzBody> {
  const own = fc.subarray([...(FORM_FIELDS[route] ?? [])]).chain((names) => fc.tuple(...names.map((name) => fc.tuple(fc.constant(name), textValue))));
  const fields = fc.oneof({ weight: 3, arbitrary: own as fc.Arbitrary<Pair[]> }, { weight: 1, arbitrary: fc.array(fc.tuple(knownField, textValue), { maxLength: 4 }) });
  return fc.tuple(fields, fc.oneof(fc.constant(null), poison), rawTail).map(([pairs, poisonPairs, tail]) => {
    const params = new URLSearchParams([["_csrf", csrfToken]]);
    for (const [name, value] of [...pairs, ...(poisonPairs ?? [])]) params.append(name, value);
    const repeated = new Set(pairs.map(([name]) => name)).size < pairs.length;
    return { body: params.toString() + tail, poisoned: poisonPairs !== null || repeated || tail.includes("zz") };
  });
}

/** A value for a route parameter: a real one (an id, a token, a handle), well-formed but unknown, or garbage. */
function paramValue(real: readonly string[]): fc.Arbitrary<string> {
  const unknown = fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent));
  return real.length === 0 ? unknown : fc.oneof(fc.constantFrom(...real), unknown);
}

/** The route with each :param filled in (from `real[param]` half the time), and sometimes a step-up style query string. */
export function routePath(route: string, real: Readonly<Record<string, readonly string[]>>): fc.Arbitrary<string> {
  const names = (route.match(/:\w+/g) ?? []).map((name) => name.slice(1));
  const query = fc.option(fc.tuple(fc.constantFrom("then", "user", "notice", "zz"), textValue).map(([k, v]) => `?${new URLSearchParams([[k, v]])}`), { nil: "" });
  return fc.tuple(fc.tuple(...names.map((name) => paramValue(real[name] ?? []))), query).map(([values, q]) => {
    let i = 0;
    return route.replace(/:\w+/g, () => values[i++]!) + q;
  });
}
