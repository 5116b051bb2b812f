/**
 * The development outbox: the last SMS and e-mails "sent" by the console adapters, kept in memory
 * so a developer (or a test) can read the code that was sent. Never used with real providers.
 */

export const OUTBOX_MAX_ENTRIES = 100;

export interface OutboxEntry {
  readonly channel: "sms" | "mail";
  /** E.164 number or e-mail address. */
  readonly to: string;
  /** E-mail subject; absent for SMS. */
  readonly subject?: string;
  readonly body: string;
  readonly sentAtMs: number;
}

export interface Outbox {
  push(entry: OutboxEntry): void;
  /** Newest first. */
  list(): readonly OutboxEntry[];
  /** The newest entry sent to `address`, if any. */
  latestTo(address: string): OutboxEntry | undefined;
}

/** A bounded list, newest first; the oldest entry is dropped once `maxEntries` is reached. */
export function createOutbox(maxEntries: number = OUTBOX_MAX_ENTRIES): Outbox {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError("maxEntries must be a positive integer");
  const entries: OutboxEntry[] = [];
  return {
    push(entry) {
      entries.unshift(Object.freeze({ ...entry }));
      if (entries.length > maxEntries) entries.length = maxEntries;
    },
    list: () => [...entries],
    latestTo: (address) => entries.find((entry) => entry.to === address),
  };
}
