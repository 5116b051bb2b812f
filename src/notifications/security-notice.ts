import { isIP } from "node:net";
import type { AuditEventType } from "../auth/audit.ts";
import { describeDevice } from "../views/device.ts";

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
};

export interface SecurityNotice {
  type: AuditEventType;
  atMs: number;
  ip: string | null;
  userAgent: string | null;
  displayName: string;
  portalName: string;
  supportContact: string;
  publicUrl: string;
}

/** The e-mail for a security event: what changed, when, from where, and what to do if it was not them. */
export function composeSecurityNotice(n: SecurityNotice): { subject: string; text: string } {
  const what = WHAT_HAPPENED[n.type] ?? "A security setting on your account was changed.";
  const when = `${new Date(n.atMs).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  // Whoever caused the event wrote the headers: the device is named from a fixed list (as on the
  // Sessions page) and only a well-formed IP address is printed, so a notice never carries their text.
  const ip = n.ip && isIP(n.ip) ? n.ip : null;
  const where = [ip ? `IP address ${ip}` : null, n.userAgent ? describeDevice(n.userAgent) : null].filter(Boolean).join(", ") || "not recorded";
  return {
    subject: `${n.portalName}: a change to how you sign in`,
    text: [
      `Hello ${n.displayName},`,
      "",
      what,
      "",
      `When: ${when}`,
      `From: ${where}`,
      "",
      "If this was you, there is nothing more to do.",
      `If it was not you, contact ${n.supportContact} straight away: someone may have your password. You can review your account at ${n.publicUrl}.`,
      "",
      `— ${n.portalName}`,
    ].join("\n"),
  };
}
