import type { FastifyBaseLogger } from "fastify";
import { scheduleAuditRetention } from "../auth/audit-retention.ts";
import { schedulePruning } from "../auth/throttle.ts";
import type { AppDeps } from "../deps.ts";

/** The serving process's periodic work: the mail queue, throttle pruning and the audit log's retention. */
export interface BackgroundJobs {
  /** Stops them all, letting a mail delivery or a purge batch under way finish. */
  stop(): Promise<void>;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function startBackgroundJobs(deps: AppDeps, log: FastifyBaseLogger): BackgroundJobs {
  const { config, database, clock } = deps;
  deps.mailQueue.start();
  const stopPruning = schedulePruning(database.db, clock, (error) => log.error({ reason: reasonOf(error) }, "throttle pruning failed"));
  // AUDIT_RETENTION_DAYS=0 keeps the audit log forever.
  const retention =
    config.auditRetentionDays > 0
      ? scheduleAuditRetention({
          db: database.db,
          clock,
          retentionDays: config.auditRetentionDays,
          onPurged: (purged) => log.info({ purged, retentionDays: config.auditRetentionDays }, "audit events purged"),
          onError: (error) => log.error({ reason: reasonOf(error) }, "audit retention purge failed"),
        })
      : null;
  return {
    async stop() {
      stopPruning();
      await retention?.stop();
      await deps.mailQueue.stop();
    },
  };
}
