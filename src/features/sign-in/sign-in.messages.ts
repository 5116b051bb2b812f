/** Every sentence the sign-in page's handler shows (its page text is in login.view.ts). */
export const SIGN_IN_MESSAGES = {
  title: "Sign in",
  failed: "The email or password is not correct.",
  missingFields: "Enter your email and password.",
  /** PORTAL.md §7: a sign-in shed under a storm. */
  shedTitle: "Too many sign-ins right now",
  shed: (seconds: number) => `More people are signing in than we can check at once. Try again in ${seconds} ${seconds === 1 ? "second" : "seconds"}.`,
  ipThrottled: (retryAt: string) => `Too many failed sign-ins from your network. Try again after ${retryAt}.`,
  /** Fixed confirmations the sign-in page may show after a redirect (never text from the URL itself). */
  notices: {
    "password-reset": "Your password has been changed. Sign in with your new password.",
    "password-changed": "Your password has been changed. Sign in again with your new password.",
  },
} as const;
