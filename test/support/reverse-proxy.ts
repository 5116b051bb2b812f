import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./relying-party.ts";

export const CADDY_BINARY = process.env.CADDY_PATH ?? "caddy";

/** Whether Debian's caddy can be run here; outside CI a test skips (with this reason) when it cannot. */
export function caddyMissing(): string | null {
  const probe = spawnSync(CADDY_BINARY, ["version"], { encoding: "utf8" });
  if (probe.status === 0) return null;
  const reason = `the caddy binary (${CADDY_BINARY}) is not installed: apt-get install -y caddy, or set CADDY_PATH`;
  if (process.env.CI) throw new Error(`${reason} (CI installs it in .ci/run)`);
  return reason;
}

/** A tiny upstream app: answers every request with the Remote-* headers it received, as JSON. */
export async function startEchoUpstream(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const remote = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.startsWith("remote-")));
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ path: request.url, remote }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("upstream did not bind");
  return { port: address.port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Caddy on 127.0.0.1 protecting `upstreamPort` with forward_auth to the portal at `portalPort`: the
 * Caddyfile docs/deploy.md shows, with the admin endpoint off and all state in a temp directory.
 */
export async function startCaddy(o: { portalPort: number; upstreamPort: number }): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-caddy-"));
  const port = await freePort();
  const caddyfile = `{
	admin off
	auto_https off
	storage file_system ${dir}/data
}

http://:${port} {
	forward_auth 127.0.0.1:${o.portalPort} {
		uri /auth/forward
		copy_headers Remote-User Remote-Email Remote-Name Remote-Groups
	}
	reverse_proxy 127.0.0.1:${o.upstreamPort}
}
`;
  writeFileSync(join(dir, "Caddyfile"), caddyfile);
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, "data"), XDG_CONFIG_HOME: join(dir, "config") };
  const child: ChildProcess = spawn(CADDY_BINARY, ["run", "--config", join(dir, "Caddyfile"), "--adapter", "caddyfile"], { env, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) break;
    try {
      await fetch(`${baseUrl}/`, { redirect: "manual" });
      return { baseUrl, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await stop();
  throw new Error(`caddy did not start:\n${log.slice(-2000)}`);
}
