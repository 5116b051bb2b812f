/** Every sentence the step-up handler shows (its page text is in step-up.view.ts). Code and SMS errors shared by every code form: src/views/code-messages.ts. */
export const STEP_UP_MESSAGES = {
  title: "Confirm it's you",
} as const;
