import { systemClock, type Clock } from "../../clock.ts";
import type { Outbox } from "../outbox.ts";
import type { Mailer } from "../../auth/mailer.port.ts";

/** Development e-mail: printed through `log` and kept in the outbox. Nothing leaves the machine. */
export function createConsoleMail(deps: { log: (line: string) => void; outbox: Outbox; clock?: Clock }): Mailer {
  const clock = deps.clock ?? systemClock;
  return {
    async send({ to, subject, text }) {
      deps.outbox.push({ channel: "mail", to, subject, body: text, sentAtMs: clock.nowMs() });
      deps.log(`[mail] to ${to}: ${subject}\n${text}`);
    },
  };
}
