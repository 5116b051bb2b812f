/** Every sentence the set-up and "Manage Two-Factor Login" pages show, in one place. Code and SMS errors shared by every code form: src/views/code-messages.ts. */
export const SETUP_MESSAGES = {
  manageTitle: "Manage Two-Factor Login",
  setupAppTitle: "Set up your authenticator app",
  setupSmsTitle: "Set up SMS codes",
  smsCodeTitle: "Enter the code we sent",
  setupDone: "Two-factor authentication is set up. You will be asked for a code each time you sign in.",
  appReplaced: "Your authenticator app now uses the new key. Codes from the old key no longer work.",
  phoneChanged: "Your SMS codes now go to the new number.",
  switchedToApp: "Two-factor sign-in now uses your authenticator app. SMS codes are turned off.",
  switchedToSms: "Two-factor sign-in now uses SMS codes. The other method is turned off.",
  switchedToPasskey: "Two-factor sign-in now uses your passkey. The other method is turned off.",
  primarySameAsFallback: "This number is your fallback phone. Use a different phone for sign-in codes, or change the fallback phone first.",
} as const;
