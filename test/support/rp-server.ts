import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "../../src/auth/apps.ts";
import type { TestContext } from "./context.ts";
import { type PendingAuthorization, RelyingParty } from "./relying-party.ts";

export interface RpServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * A tiny web app that signs its users in with the portal (openid-client): /login sends the browser to
 * the portal, /callback exchanges the code and shows the verified ID token's claims as JSON.
 */
export async function startRpServer(ctx: TestContext, name: string): Promise<RpServer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const created = await createApp(ctx.deps.database.db, ctx.deps, { name, url: `${origin}/`, method: "oidc", redirectUris: [`${origin}/callback`] });
  if (!created.ok) throw new Error(created.error);
  const rp = await RelyingParty.discover(ctx.baseUrl, { clientId: created.app.client_id!, clientSecret: created.clientSecret, redirectUri: `${origin}/callback` });
  let pending: PendingAuthorization | null = null;
  server.on("request", async (req, res) => {
    const url = new URL(req.url ?? "/", origin);
    try {
      if (url.pathname === "/login") {
        pending = await rp.start();
        res.writeHead(302, { location: pending.url.href }).end();
      } else if (url.pathname === "/callback" && pending) {
        const claims = (await rp.finish(url, pending)).claims();
        const json = JSON.stringify(claims).replace(/</g, "\\u003c");
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html lang="en"><title>${name}</title><main><h1>Welcome to ${name}</h1><pre id="claims">${json}</pre></main></html>`);
      } else {
        res.writeHead(404).end();
      }
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
  return { origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
