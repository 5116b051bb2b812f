import { systemClock, type Clock } from "../../clock.ts";
import type { Outbox } from "../outbox.ts";
import type { Mailer } from "../../auth/mailer.port.ts";

/**
 * Development e-mail: printed through `log` and kept in the outbox. Nothing leaves the machine.
 * `withhold` (production): only the recipient and subject are printed; the text, which may hold a
 * one-time link, is not, and nothing is kept.
 */
export function createConsoleMail(deps: { log: (line: string) => void; outbox: Outbox; clock?: Clock; withhold?: boolean }): Mailer {
  const clock = deps.clock ?? systemClock;
  return {
    async send({ to, subject, text }) {
      if (deps.withhold) return deps.log(`[mail] to ${to}: ${subject} (not delivered; link withheld: set SMTP_URL)`);
      deps.outbox.push({ channel: "mail", to, subject, body: text, sentAtMs: clock.nowMs() });
      deps.log(`[mail] to ${to}: ${subject}\n${text}`);
    },
  };
}
