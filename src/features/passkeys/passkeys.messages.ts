/** Every sentence the passkey pages show, in one place. */
export const PASSKEY_MESSAGES = {
  needsJavaScript: "Passkeys need JavaScript, and a browser that supports them. Turn JavaScript on, use another browser, or reset two-factor sign-in below.",
  needsJavaScriptSetup: "Passkeys need JavaScript, and a browser that supports them. Turn JavaScript on, or choose another method.",
  ceremonyFailed: "The passkey was not used: it was cancelled, timed out, or could not confirm it is you. Try again.",
  refused: "That passkey could not be verified. Try again.",
  counter: "This security key was refused: it looks like a copy of the one you registered. Use another passkey or reset two-factor sign-in.",
  notAdded: "The passkey could not be created. Try again.",
  nameFormat: "Give the passkey a name of 1 to 60 characters, so you can tell your passkeys apart.",
  added: "The passkey was added. Remembered browsers were forgotten.",
  removed: "The passkey was removed.",
  last: "This is your only passkey, so it cannot be removed. Add another one first, or switch to another method.",
  switched: "Two-factor sign-in now uses your passkey. Codes from the app or SMS are turned off.",
  explainSignIn: "Use the passkey or security key you set up for this portal.",
} as const;
