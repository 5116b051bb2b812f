/** Every sentence about remembered browsers, in one place. */
export const REMEMBERED_BROWSER_MESSAGES = {
  rememberLabel: (days: number) => (days === 1 ? "Remember this browser for 1 day" : `Remember this browser for ${days} days`),
  rememberHint: "Only on a computer you alone use. The next sign-in here asks for your password only.",
  forgotten: "That browser was forgotten. It will ask for your two-factor method at the next sign-in.",
  none: "No browser is remembered. Check \u201cRemember this browser\u201d when you verify a sign-in to skip the code on your own computer.",
} as const;
