import fastifyCookie from "@fastify/cookie";
import Fastify from "fastify";
import { describe, expect, test } from "vitest";
import { type Config, ConfigError, parseConfig } from "../../src/config/config.ts";
import { clearSessionCookie, sessionCookieName, setSessionCookie } from "../../src/http/cookies.ts";

const KEY = Buffer.alloc(32, 1).toString("base64");
const parse = (env: Record<string, string>) => parseConfig({ SECRET_KEY: KEY, ...env }, { cwd: "/srv", fallbackSecretKey: null });

async function setCookieLines(config: Config, clear = false): Promise<string[]> {
  const app = Fastify();
  await app.register(fastifyCookie);
  app.get("/", async (_request, reply) => (clear ? clearSessionCookie(reply, config) : setSessionCookie(reply, config, "token"), reply.send("ok")));
  const response = await app.inject("/");
  await app.close();
  return ([] as string[]).concat(response.headers["set-cookie"] ?? []);
}

describe("COOKIE_DOMAIN", () => {
  test("unset: the session cookie is __Host- over https, host-only", async () => {
    const config = parse({ PUBLIC_URL: "https://portal.example.com" });
    expect(config.cookieDomain).toBeNull();
    expect(sessionCookieName(config)).toBe("__Host-gatehouse_session");
    const [line] = await setCookieLines(config);
    expect(line).not.toMatch(/Domain=/i);
  });

  test("set: the cookie is __Secure- (which allows Domain) and carries Domain, when set and when cleared", async () => {
    const config = parse({ PUBLIC_URL: "https://portal.example.com", COOKIE_DOMAIN: ".Example.com" });
    expect(config.cookieDomain).toBe("example.com");
    expect(sessionCookieName(config)).toBe("__Secure-gatehouse_session");
    for (const clear of [false, true]) {
      const [line] = await setCookieLines(config, clear);
      expect(line).toMatch(/^__Secure-gatehouse_session=/);
      expect(line).toMatch(/; Domain=example\.com/);
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
    }
    expect(sessionCookieName(parse({ PUBLIC_URL: "http://portal.example.com", COOKIE_DOMAIN: "example.com" }))).toBe("gatehouse_session");
  });

  test.each([
    ["https://example.com", "a scheme"],
    ["example.com:443", "a port"],
    ["example.com/path", "a path"],
    ["localhost", "a single label"],
    ["other.example", "a domain PUBLIC_URL is not under"],
    ["ample.com", "a suffix that is not a parent domain"],
  ])("%s (%s) is refused with a ConfigError naming COOKIE_DOMAIN", (value) => {
    expect(() => parse({ PUBLIC_URL: "https://portal.example.com", COOKIE_DOMAIN: value })).toThrow(ConfigError);
    expect(() => parse({ PUBLIC_URL: "https://portal.example.com", COOKIE_DOMAIN: value })).toThrow(/^COOKIE_DOMAIN/);
  });
});
