import { isIP } from "node:net";
import type { AuditEventType } from "../auth/audit.ts";
import { IDENTITY_CHECKS, isIdentityCheck } from "../auth/support-reset.ts";
import { describeDevice } from "../views/device.ts";
import { formatTime } from "../views/time.ts";

const WHAT_HAPPENED: Partial<Record<AuditEventType, string>> = {
  "two_factor.setup": "Two-factor sign-in was set up on your account.",
  "two_factor.key_replaced": "Your authenticator app was given a new key. Codes from the old key no longer work.",
  "two_factor.phone_changed": "The phone number that receives your sign-in codes was changed.",
  "two_factor.switched": "Your two-factor sign-in method was switched.",
  "two_factor.reset": "Your two-factor sign-in was reset with a code sent to your fallback phone.",
  "two_factor.support_reset": "Your two-factor sign-in was reset by our support team.",
  "fallback.added": "A fallback phone was added to your account.",
  "fallback.changed": "The fallback phone on your account was changed.",
  "fallback.removed": "The fallback phone was removed from your account.",
  "password.reset": "Your password was reset with an e-mailed link and your second factor. You were signed out everywhere.",
  "account.locked": "Too many wrong passwords or codes were entered for your account, so that sign-in step is paused for 15 minutes.",
  "two_factor.locked": "100 wrong two-factor codes in a row were entered for your account, so its two-factor step is locked until our support team resets it. Contact them to sign in again.",
  "password.changed": "Your password was changed. Your other sessions were signed out.",
  "user.email_changed": "The e-mail address of your account was changed by an administrator.",
  "recovery_codes.created": "A new set of recovery codes was created for your account. The codes of any earlier set no longer work.",
  "recovery_code.used": "One of your recovery codes was used to sign in. It cannot be used again.",
  "passkey.added": "A passkey or security key was added to your account.",
  "passkey.removed": "A passkey or security key was removed from your account.",
  "passkey.counter_rejected": "A sign-in with one of your passkeys was refused because the security key looked copied (its signature counter went backwards). If you did not try to sign in, contact support.",
};

export interface SecurityNotice {
  type: AuditEventType;
  atMs: number;
  ip: string | null;
  userAgent: string | null;
  displayName: string;
  /** The zone the user chose on "Profile"; null or absent: UTC (an e-mail cannot ask the reader's device). */
  timeZone?: string | null;
  portalName: string;
  supportContact: string;
  publicUrl: string;
  actorName?: string | null;
  detail?: Record<string, unknown> | null;
}

/**
 * A support reset was done by an agent, not by the reader: say who (first name only) and how they
 * checked it was the account holder, instead of the agent's address and browser and "if this was you".
 */
function supportResetLines(n: SecurityNotice, when: string): string[] {
  const agent = n.actorName?.trim().split(/\s+/)[0] || "An agent";
  const check = typeof n.detail?.identity_check === "string" && isIdentityCheck(n.detail.identity_check) ? IDENTITY_CHECKS[n.detail.identity_check] : null;
  return [
    `${agent} from our support team reset it at ${when}${check ? `, after checking who you are (${check.charAt(0).toLowerCase()}${check.slice(1)})` : ""}. The next time you sign in, you will set up two-factor sign-in again.`,
    "",
    `If you did not ask support for this, contact ${n.supportContact} straight away and change your password at ${n.publicUrl}.`,
  ];
}

/** The e-mail for a security event: what changed, when, from where, and what to do if it was not them. */
export function composeSecurityNotice(n: SecurityNotice): { subject: string; text: string } {
  const what = WHAT_HAPPENED[n.type] ?? "A security setting on your account was changed.";
  const when = formatTime(n.atMs, n.timeZone ?? null);
  // Whoever caused the event wrote the headers: the device is named from a fixed list (as on the
  // Sessions page) and only a well-formed IP address is printed, so a notice never carries their text.
  const ip = n.ip && isIP(n.ip) ? n.ip : null;
  const where = [ip ? `IP address ${ip}` : null, n.userAgent ? describeDevice(n.userAgent) : null].filter(Boolean).join(", ") || "not recorded";
  const closing = n.type === "two_factor.support_reset"
    ? supportResetLines(n, when)
    : [
      `When: ${when}`,
      `From: ${where}`,
      "",
      "If this was you, there is nothing more to do.",
      `If it was not you, contact ${n.supportContact} straight away: someone may have your password. You can review your account at ${n.publicUrl}.`,
    ];
  return {
    subject: `${n.portalName}: a change to how you sign in`,
    text: [
      `Hello ${n.displayName},`,
      "",
      what,
      "",
      ...closing,
      "",
      `— ${n.portalName}`,
    ].join("\n"),
  };
}
