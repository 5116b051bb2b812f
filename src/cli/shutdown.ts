import type { FastifyInstance } from "fastify";
import type { Database } from "../db/database.ts";
import type { BackgroundJobs } from "./background-jobs.ts";

/** Below the 10 s a container runtime (docker stop, Kubernetes' default 30 s) waits before SIGKILL. */
export const SHUTDOWN_GRACE_MS = 8_000;

/**
 * On SIGTERM or SIGINT: stop accepting connections (Fastify answers 503 on kept-alive ones), let the
 * requests in flight finish — cutting their connections after `graceMs` — then stop the background
 * jobs (the mail queue finishes its current delivery, a retention purge its current batch), close the
 * database pool and exit 0 (1 when closing failed). A second signal meanwhile ends the process at once
 * (the default action, as the handlers are registered once).
 */
export function shutDownOnSignals(app: FastifyInstance, parts: { jobs: BackgroundJobs; database: Database }, graceMs = SHUTDOWN_GRACE_MS): void {
  const stop = async (signal: NodeJS.Signals) => {
    app.log.info({ signal }, "shutting down");
    const cutOff = setTimeout(() => {
      app.log.warn({ graceMs }, "requests still running after the grace period: closing their connections");
      app.server.closeAllConnections();
    }, graceMs);
    cutOff.unref();
    try {
      await app.close();
      await parts.jobs.stop();
      await parts.database.close();
      app.log.info("stopped");
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, (received: NodeJS.Signals) => void stop(received));
}
