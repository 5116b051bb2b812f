/** Every sentence "Forgot password?", the reset link's pages and the reset e-mail show, in one place. Code and SMS errors shared by every code form: src/views/code-messages.ts. */
export const PASSWORD_RESET_MESSAGES = {
  forgotTitle: "Forgot your password?",
  emailMissing: "Enter your email address.",
  sentTitle: "Check your e-mail",
  resetTitle: "Reset your password",
  resetSubmit: "Save new password",
  linkGoneHeading: "This link no longer works",
  linkGone: "It has been used or has expired. Ask for a new one from the sign-in page.",
  forgotLink: "Forgot password?",
  mailSubject: (portalName: string) => `${portalName}: reset your password`,
  mailBody: (name: string, link: string) =>
    [
      `Hello ${name},`,
      "",
      "Someone (we hope you) asked to reset the password of your account. To choose a new one, open this link within 30 minutes. It works once:",
      "",
      link,
      "",
      "You will be asked for your two-factor code first. If you did not ask for this, ignore this message: your password stays as it is.",
    ].join("\n"),
} as const;
