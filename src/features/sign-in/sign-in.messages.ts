import { html, type SafeHtml } from "../../views/html.ts";

/** Every sentence the sign-in page shows, in one place (its form's labels are in login.view.ts). */
export const SIGN_IN_MESSAGES = {
  title: "Sign in",
  failed: "The email or password is not correct.",
  empty: "Enter your email and password.",
  disabled: (supportContact: string) => `This account is disabled, so it cannot sign in. If you think this is a mistake, contact support: ${supportContact}.`,
  /** PORTAL.md §7: a sign-in shed under a storm. */
  shedTitle: "Too many sign-ins right now",
  shed: (seconds: number) => `More people are signing in than we can check at once. Try again in ${seconds} ${seconds === 1 ? "second" : "seconds"}.`,
  ipThrottled: (retryAt: SafeHtml) => html`Too many failed sign-ins from your network. Try again after ${retryAt}.`,
  signedOut: "You have signed out.",
  sessionEnded: "You were signed out: your session was ended on another device, by support, or after a long time without activity. Sign in again to continue.",
  passwordReset: "Your password has been changed. Sign in with your new password.",
  passwordChanged: "Your password has been changed. Sign in again with your new password.",
} as const;
