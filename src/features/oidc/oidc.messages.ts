/** Every word the single sign-on pages show, in one place. */
export const OIDC_MESSAGES = {
  interactionGone: {
    heading: "This sign-in has expired",
    message: "Go back to the app and sign in again.",
  },
  continueHeading: (app: string) => `Signing you in to ${app}`,
  continueLink: (app: string) => `Continue to ${app}`,
  logoutHeading: "Sign out",
  logoutQuestion: (portal: string) => `Do you want to sign out of ${portal} and the apps you reached through it?`,
  logoutYes: "Sign out",
  logoutNo: "Stay signed in",
  loggedOut: "You have signed out.",
  errorHeading: "The app's sign-in did not work",
  /** By OAuth error code (RFC 6749 §4.1.2.1, §5.2; OpenID Connect Core §3.1.2.6). */
  errors: {
    invalid_client: "The app is not registered here, or it identified itself wrongly.",
    invalid_redirect_uri: "The app asked to come back to an address it has not registered.",
    invalid_request: "The app's sign-in request is not valid.",
    unauthorized_client: "The app may not sign in this way.",
    unsupported_response_type: "The app asked for a kind of sign-in this portal does not offer.",
    invalid_scope: "The app asked for something this portal does not offer.",
    access_denied: "Your account may not use this app.",
    invalid_request_uri: "The app's sign-in request is not valid.",
    session_not_found: "This sign-in has expired. Go back to the app and sign in again.",
  } as Record<string, string>,
  errorFallback: "Go back to the app and try again. If it happens again, contact support.",
} as const;
