import { systemClock, type Clock } from "../../clock.ts";
import type { Outbox } from "../outbox.ts";
import type { SmsSender } from "../../auth/sms-sender.port.ts";

/** Development SMS: printed through `log` and kept in the outbox. Nothing leaves the machine. */
export function createConsoleSms(deps: { log: (line: string) => void; outbox: Outbox; clock?: Clock }): SmsSender {
  const clock = deps.clock ?? systemClock;
  return {
    async send({ to, body }) {
      deps.outbox.push({ channel: "sms", to, body, sentAtMs: clock.nowMs() });
      deps.log(`[sms] to ${to}: ${body}`);
    },
  };
}
