/** Security events in plain words, for the dashboard's activity list and the support console. */
const LABELS: Record<string, string> = {
  "user.created": "Account created",
  "user.password_set": "Password chosen",
  "invitation.resent": "Invitation sent again",
  "invitation.revoked": "Invitation revoked",
  "user.disabled": "Account disabled",
  "user.enabled": "Account enabled",
  "user.role_changed": "Role changed",
  "signin.password_succeeded": "Password accepted",
  "signin.password_failed": "Sign-in failed: wrong email or password",
  "signin.refused_disabled": "Sign-in refused: account disabled",
  "signin.completed": "Signed in",
  "signin.second_factor_failed": "Sign-in failed: wrong two-factor code",
  signout: "Signed out",
  "session.revoked": "Another session signed out",
  "session.revoked_others": "All other sessions signed out",
  "two_factor.setup": "Two-factor sign-in set up",
  "two_factor.key_replaced": "Authenticator app key replaced",
  "two_factor.phone_changed": "SMS phone number changed",
  "two_factor.switched": "Two-factor method switched",
  "two_factor.step_up": "Identity confirmed with a code",
  "two_factor.step_up_failed": "Wrong code when confirming identity",
  "two_factor.reset_requested": "Reset code sent to the fallback phone",
  "two_factor.reset": "Two-factor sign-in reset with the fallback phone",
  "two_factor.reset_failed": "Wrong reset code",
  "two_factor.support_reset": "Two-factor sign-in reset by support",
  "password.reset_requested": "Password reset link requested",
  "password.reset": "Password reset",
  "password.changed": "Password changed",
  "password.change_failed": "Wrong current password when changing it",
  "profile.name_changed": "Display name changed",
  "user.email_changed": "E-mail address changed",
  "account.locked": "Sign-in paused after too many failures",
  "two_factor.locked": "Two-factor step locked after 100 wrong codes in a row",
  "fallback.added": "Fallback phone added",
  "fallback.changed": "Fallback phone changed",
  "fallback.removed": "Fallback phone removed",
  "app.created": "App registered",
  "app.updated": "App changed",
  "app.removed": "App removed",
  "app.secret_replaced": "App client secret replaced",
  "app.reauthentication_requested": "An app asked to sign in again",
  "recovery_codes.created": "Recovery codes created",
  "recovery_code.used": "Signed in with a recovery code",
  "remembered_browser.added": "Browser remembered",
  "remembered_browser.forgotten": "Remembered browser forgotten",
  "passkey.added": "Passkey added",
  "passkey.removed": "Passkey removed",
  "passkey.counter_rejected": "Passkey refused: its counter went backwards",
};

/** `detail` is the event's detail (its JSON text or parsed): an app sign-in names the app. */
export function describeEvent(type: string, detail?: string | Record<string, unknown> | null): string {
  if (type === "app.signed_in") {
    const parsed = typeof detail === "string" ? (JSON.parse(detail) as Record<string, unknown>) : detail;
    return typeof parsed?.app === "string" ? `Signed in to ${parsed.app}` : "Signed in to an app";
  }
  return LABELS[type] ?? type;
}
