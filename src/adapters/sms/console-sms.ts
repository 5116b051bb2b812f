import { systemClock, type Clock } from "../../clock.ts";
import type { Outbox } from "../outbox.ts";
import type { SmsSender } from "../../auth/sms-sender.port.ts";

/**
 * Development SMS: printed through `log` and kept in the outbox. Nothing leaves the machine.
 * `withhold` (production): the code is not printed and nothing is kept.
 */
export function createConsoleSms(deps: { log: (line: string) => void; outbox: Outbox; clock?: Clock; withhold?: boolean }): SmsSender {
  const clock = deps.clock ?? systemClock;
  return {
    async send({ to, body }) {
      if (deps.withhold) return deps.log(`[sms] to ${to}: not delivered; code withheld (set SMS_PROVIDER)`);
      deps.outbox.push({ channel: "sms", to, body, sentAtMs: clock.nowMs() });
      deps.log(`[sms] to ${to}: ${body}`);
    },
  };
}
