/** Every sentence the fallback phone pages show, in one place. Code and SMS errors shared by every code form: src/views/code-messages.ts. */
export const FALLBACK_PHONE_MESSAGES = {
  fallbackSameAsPrimary: "This number already receives your sign-in codes. Use a different phone, so you can still reset if you lose this one.",
  fallbackAdded: "Fallback phone added.",
  fallbackChanged: "Fallback phone changed.",
  fallbackRemoved: "Fallback phone removed.",
} as const;
