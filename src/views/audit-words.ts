import type { AuditEventType } from "../auth/audit.ts";

/** Every audit event type in plain words, for the pages that list security events. */
export const AUDIT_EVENT_WORDS: Record<AuditEventType, string> = {
  "user.created": "Account created",
  "user.password_set": "Password chosen",
  "signin.password_succeeded": "Password accepted",
  "signin.password_failed": "Sign-in refused (wrong password or disabled account)",
  "signin.completed": "Signed in",
  "signin.second_factor_failed": "Wrong two-factor code at sign-in",
  "two_factor.setup": "Two-factor sign-in set up",
  "two_factor.key_replaced": "Authenticator app key replaced",
  "two_factor.phone_changed": "SMS phone number changed",
  "two_factor.switched": "Two-factor method switched",
  "two_factor.step_up": "Confirmed with a fresh code",
  "two_factor.step_up_failed": "Wrong code when confirming",
  "two_factor.reset_requested": "Reset code sent to the fallback phone",
  "two_factor.reset": "Two-factor reset with the fallback phone",
  "two_factor.reset_failed": "Wrong reset code",
  "two_factor.support_reset": "Two-factor reset by support",
  "user.disabled": "Account disabled",
  "user.enabled": "Account enabled",
  "user.role_changed": "Role changed",
  "fallback.added": "Fallback phone added",
  "fallback.changed": "Fallback phone changed",
  "fallback.removed": "Fallback phone removed",
  signout: "Signed out",
};

/** Rows written by a later version may carry a type this one does not know: show it as stored. */
export function describeAuditEvent(type: string): string {
  return Object.hasOwn(AUDIT_EVENT_WORDS, type) ? AUDIT_EVENT_WORDS[type as AuditEventType] : type;
}
