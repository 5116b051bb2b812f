import type { CDPSession, Page } from "playwright-core";
import type { TestContext } from "./context.ts";

/**
 * Chromium's own WebAuthn stack with a DevTools virtual authenticator (a platform passkey that
 * verifies the user): the real browser API, the real @simplewebauthn/browser bundle, no stubs.
 */
export async function addVirtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

/**
 * The RP ID is PUBLIC_URL's host, and WebAuthn needs a secure context: http://localhost is one. The
 * test server listens on 127.0.0.1 on a port chosen at listen time, so PUBLIC_URL is set afterwards.
 */
export function useLocalhostPublicUrl(ctx: TestContext): string {
  const port = new URL(ctx.baseUrl).port;
  const url = `http://localhost:${port}`;
  (ctx.deps.config as { publicUrl: URL }).publicUrl = new URL(url);
  return url;
}
