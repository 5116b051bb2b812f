import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLI_SECRET_KEY, expectOneLineFailure, runCli } from "../support/cli.ts";
import { HttpClient, csrfTokenOf } from "../support/http-client.ts";
import { type ServeProcess, startServeProcess } from "../support/serve-process.ts";

/** A POST whose body arrives in two parts: the request is in flight until `finish()` sends the rest. */
function startSlowPost(baseUrl: string, path: string, body: string, headers: Record<string, string>, agent: Agent) {
  const half = Math.floor(body.length / 2);
  let finish = () => {};
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(new URL(path, baseUrl), { method: "POST", agent, headers: { ...headers, "content-type": "application/x-www-form-urlencoded", "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.write(body.slice(0, half));
    finish = () => req.end(body.slice(half));
  });
  response.catch(() => {}); // awaited by the test; a test that fails first must not leave it unhandled
  return { response, finish: () => finish() };
}

/** A fresh connection's answer: its status, or the connection error's code (ECONNREFUSED once the port is closed). */
async function tryConnect(baseUrl: string): Promise<number | string> {
  try {
    return (await fetch(new URL("/healthz", baseUrl))).status;
  } catch (error) {
    return ((error as { cause?: { code?: string } }).cause?.code ?? "failed");
  }
}

describe("gatehouse serve: start-up and shutdown", () => {
  let dir: string;
  let env: Record<string, string>;
  let server: ServeProcess | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-serve-"));
    env = { DATABASE_URL: `sqlite:${join(dir, "portal.db")}`, SECRET_KEY: CLI_SECRET_KEY };
  });
  afterEach(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill("SIGKILL");
      await server.exited;
    }
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it("on SIGTERM it stops accepting, finishes the request in flight, and exits 0", async () => {
    // "incoming request" is a debug line (info has one line per request, when it is answered).
    server = await startServeProcess({ ...env, LOG_LEVEL: "debug" });
    const browser = new HttpClient(server.baseUrl);
    const csrf = csrfTokenOf((await browser.get("/login")).body);
    const cookie = `gatehouse_csrf=${browser.cookie("gatehouse_csrf")}`;
    // A kept-alive connection, as a reverse proxy holds to its upstream.
    const agent = new Agent({ keepAlive: true });
    const body = new URLSearchParams({ _csrf: csrf, email: "nobody@example.com", password: "a wrong passphrase" }).toString();
    const inFlight = startSlowPost(server.baseUrl, "/login", body, { cookie }, agent);
    // "incoming request" is logged once the headers are in: the body is still on its way.
    await server.logRecord("incoming request", (record) => (record.req as { method?: string } | undefined)?.method === "POST");

    server.child.kill("SIGTERM");
    await server.logRecord("shutting down");
    // A new request is turned away — refused, reset or answered 503, depending on how far the port has closed.
    const probe = await tryConnect(server.baseUrl);
    expect(probe === 503 || typeof probe === "string", `a new request got ${probe}`).toBe(true);
    inFlight.finish();
    const answered = await inFlight.response;
    expect(answered.status).toBe(401);
    expect(answered.body).toContain("The email or password is not correct.");
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('"msg":"stopped"');
    // The kept-alive connection closed with the response: shutdown did not wait out its grace period for it.
    expect(server.output()).not.toContain("still running after the grace period");
    agent.destroy();
  });

  it("with MIGRATE_ON_START=false it applies no migration: on a schema behind this version it refuses to start, saying to run `gatehouse migrate`", async () => {
    const refused = expectOneLineFailure(await runCli(["serve"], { ...env, PORT: "0", MIGRATE_ON_START: "false" }));
    expect(refused).toMatch(/gatehouse: database: \d+ migration\(s\) pending \(0001_initial, .*\); run `gatehouse migrate` first/);
    const migrated = await runCli(["migrate"], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/^Applied 0001_initial, /);

    server = await startServeProcess({ ...env, MIGRATE_ON_START: "false" });
    expect((await new HttpClient(server.baseUrl).submit("/login", { email: "ann@example.com", password: "a passphrase" })).status).toBe(401);
    server.child.kill("SIGTERM");
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});
