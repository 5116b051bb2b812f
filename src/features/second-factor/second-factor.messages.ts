/** Every sentence "Two-Factor Verification" and its "Reset Two-Factor" dialog show, in one place. Code and SMS errors shared by every code form: src/views/code-messages.ts. */
export const SECOND_FACTOR_MESSAGES = {
  resetCodeFormat: "Enter the six-digit reset code from the text message.",
  resetCodeExpired: "This reset code has expired. Ask for a new one.",
  resetDone: "Your two-factor sign-in has been reset. Set up a new method to continue.",
} as const;
