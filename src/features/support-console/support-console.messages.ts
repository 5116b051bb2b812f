/** The console's sentences added for confirmations (older ones still live beside their routes). */
export const SUPPORT_CONSOLE_MESSAGES = {
  confirmDisableHeading: (name: string) => `Disable ${name}?`,
  confirmDisable: (name: string) => `${name} will be signed out everywhere at once and cannot sign in until an administrator enables the account again.`,
  confirmEnableHeading: (name: string) => `Enable ${name}?`,
  confirmEnable: (name: string) => `${name} will be able to sign in again with their password and two-factor method.`,
  confirmRoleHeading: (name: string) => `Change ${name}'s role?`,
  confirmRole: (name: string, from: string, to: string) => `${name} changes from ${from} to ${to}. ${to === "Client" ? "They lose access to the support console." : to === "Administrator" ? "They will be able to create, disable and enable users and change roles and e-mail addresses." : "They will be able to look users up and reset their two-factor sign-in."}`,
} as const;
