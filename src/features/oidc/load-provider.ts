import type { FastifyBaseLogger } from "fastify";

export type OidcProviderModule = typeof import("oidc-provider");

const UNSUPPORTED_RUNTIME = "oidc-provider WARNING: Unsupported runtime";

/**
 * Loads oidc-provider only when a server is built, so the CLI's other commands neither pay for it
 * nor print its notices. On Node 20 (supported by Gatehouse; oidc-provider 9 names Node 22 LTS and
 * later) its import prints "Unsupported runtime" as plain text on stderr: that one line becomes one
 * structured log line instead. The library itself runs on Node 20.20 (URL.parse and crypto.hash,
 * what it uses beyond Node 20.0, arrived in 20.18 and 20.12); the tests run on it.
 */
export async function importOidcProvider(log: FastifyBaseLogger): Promise<OidcProviderModule> {
  const warn = console.warn;
  let unsupported = false;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes(UNSUPPORTED_RUNTIME)) unsupported = true;
    else warn(...args);
  };
  try {
    return await import("oidc-provider");
  } finally {
    console.warn = warn;
    if (unsupported) log.warn({ node: process.version }, "oidc-provider 9 names Node.js 22 LTS or later; running on this Node.js version");
  }
}
