/** Every sentence the set-up and "Manage Two-Factor Login" pages show, in one place. Code and SMS errors shared by every code form: src/views/code-messages.ts. */
export const SETUP_MESSAGES = {
  setupDone: "Two-factor authentication is set up. You will be asked for a code each time you sign in.",
  appReplaced: "Your authenticator app now uses the new key. Codes from the old key no longer work.",
  phoneChanged: "Your SMS codes now go to the new number.",
  switchedToApp: "Two-factor sign-in now uses your authenticator app. SMS codes are turned off.",
  switchedToSms: "Two-factor sign-in now uses SMS codes. The authenticator app is turned off.",
  setupIntro: "Every sign-in to this portal needs a second factor: a code from an app or a text message, as well as your password. Choose how you will receive yours; you can change it later.",
  setupAppExpired: "The time to enter the code has run out, so this key was not saved. Delete the entry this set-up added to your authenticator app (it will never work), then restart this process.",
  manageApp: "Manage scans a new key into your app. Your current key keeps working until you enter a code from the new one; then the new key replaces it.",
  manageSms: "Manage sends codes to a new number. The current number keeps receiving codes until you enter the code sent to the new one.",
  replacingApp: "Your authenticator app keeps working with its current key until you enter a code from this new key. Then the new key replaces the old one: delete the old entry for this portal from your app.",
  switchingToApp: "SMS codes keep working until you enter a code from your authenticator app. Then the app replaces SMS.",
  replacingPhone: (masked: string) => `Codes now go to ${masked}. Enter the new number: codes go there once you enter the code we send to it.`,
  switchingToSms: "Your authenticator app keeps working until you enter the code we text to this number. Then SMS replaces the app.",
  primarySameAsFallback: "This number is your fallback phone. Use a different phone for sign-in codes, or change the fallback phone first.",
} as const;
