/** Every sentence forward auth shows (its pages appear on the protected app's address). */
export const FORWARD_AUTH_MESSAGES = {
  notAllowed: (app: string) => ({ heading: `You cannot use ${app}`, message: `Your account is not allowed to use ${app}. If you need it, ask your administrator.` }),
  notProtected: { heading: "This address is not protected", message: "No app is registered for this address. Ask your administrator to register it." },
  untrustedProxy: { heading: "Request refused", message: "Sign-in checks are answered only for the reverse proxy configured in TRUST_PROXY." },
  badHeaders: { heading: "Request refused", message: "The reverse proxy did not say which address was asked for (X-Forwarded-Proto, X-Forwarded-Host and X-Forwarded-Uri, or X-Original-URL)." },
  backToPortal: "Go to the portal",
} as const;
