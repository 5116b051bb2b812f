/** Every sentence the support console's handlers, guard and e-mails show, in one place (page text is in its views). */
export const SUPPORT_CONSOLE_MESSAGES = {
  consoleTitle: "Support console",
  userTitle: (name: string) => `${name} · Support console`,
  createTitle: "Create user · Support console",
  createdTitle: "User created · Support console",
  back: "Back",
  backTo: (name: string) => `Back to ${name}`,
  backToConsole: "Back to the support console",

  // Search
  searchTooLong: (max: number) => `Search with at most ${max} characters.`,
  searchControlCharacters: "Search without control characters.",
  searchOneField: "Search with the one field, Search users.",

  // Users and pending invitations
  usersTitle: "Users · Support console",
  invitationsTitle: "Pending invitations · Support console",
  filterInvalid: (label: string, choices: string) => `${label} must be one of: ${choices}.`,
  pageInvalid: (max: string) => `The page number must be a whole number from 1 to ${max}.`,
  cursorInvalid: "That page address is not one this portal made. Start again from the Users page.",
  oneOfPageAfterBefore: "Ask for a page with one of page, after or before, not several.",
  queryUnknown: (names: string) => `The Users page has no setting called ${names}. Use the filters on the page.`,
  invitationResent: (email: string) => `A new invitation was e-mailed to ${email}. The link sent before no longer works.`,
  invitationResendLimited: (email: string, limit: number, minutes: number) =>
    `The invitation to ${email} was already sent ${limit} times in the last hour. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
  invitationNotPending: (name: string) => `${name} has no pending invitation: they have chosen a password, or the account is disabled.`,
  invitationRevoked: (email: string) => `The invitation to ${email} was revoked: its link no longer works and the invited account was removed.`,
  confirmRevokeHeading: (email: string) => `Revoke the invitation to ${email}?`,
  confirmRevoke: (email: string) => `The link e-mailed to ${email} stops working at once and the invited account, which has never been used, is removed. You can invite the address again later.`,
  ownInvitation: "You cannot revoke or resend an invitation to your own account.",

  // Administrators only
  adminsOnlyHeading: "Administrators only",
  adminsOnly: "Only an administrator can create users, disable or enable them, change their role or email address, or resend or revoke invitations.",
  selfRefusedHeading: "Not allowed on your own account",
  selfRefused: "You cannot change your own role or disable your own account: ask another administrator. This keeps the portal from losing its last administrator.",

  // Creating users and changing them
  emailInvalid: "Enter a valid email address.",
  emailTaken: "Another user already has this email address.",
  createEmailTaken: "A user with this email address already exists.",
  nameInvalid: "Enter a name of 1 to 100 characters.",
  roleInvalid: "Choose one of the roles.",
  passwordTooShort: "The password is too short.",
  passwordTooLong: "The password is too long.",
  passwordTooCommon: "The password is too common.",
  disabled: (name: string) => `${name} was disabled and signed out everywhere.`,
  enabled: (name: string) => `${name} was enabled and can sign in again.`,
  alreadyDisabledOrEnabled: (name: string, action: "disable" | "enable") => `${name} was already ${action}d.`,
  roleChanged: (name: string, roleWords: string) => `${name} is now ${roleWords === "administrator" ? "an" : "a"} ${roleWords}.`,
  roleUnchanged: (name: string) => `${name} already had that role.`,
  emailChanged: (name: string, email: string) => `${name} now signs in with ${email}. Both addresses were told; their sessions stay signed in.`,
  emailUnchanged: (name: string) => `${name} already had that email address.`,

  // Support reset
  resetRefusedHeading: "Reset refused",
  resetOwnAccount: "You cannot reset your own two-factor sign-in in the support console. Use Manage Two-Factor, with your own code.",
  resetOutranked: "Only an administrator can reset an administrator's two-factor sign-in.",
  identityCheckMissing: "Choose how you verified the user's identity.",
  reasonInvalid: (min: number, max: number) => `Write why the reset is needed, in ${min} to ${max} characters.`,
  nothingToResetHeading: "Nothing to reset",
  noMethod: (name: string) => `${name} has no two-factor method.`,
  resetDone: (name: string) => `Two-factor sign-in of ${name} was reset. Their sessions were ended; they set up two-factor again at their next sign-in.`,

  // The notice to the old address after an e-mail change
  oldAddressSubject: (portalName: string) => `${portalName}: your e-mail address was changed`,
  oldAddressBody: (o: { name: string; portalName: string; supportContact: string }) =>
    [
      `Hello ${o.name},`,
      "",
      `An administrator changed the e-mail address of your ${o.portalName} account. This address no longer signs in to it and will not receive messages about it.`,
      "",
      `If you did not expect this, contact ${o.supportContact}.`,
      "",
      `— ${o.portalName}`,
    ].join("\n"),

  // Confirmations
  confirmDisableHeading: (name: string) => `Disable ${name}?`,
  confirmDisable: (name: string) => `${name} will be signed out everywhere at once and cannot sign in until an administrator enables the account again.`,
  confirmEnableHeading: (name: string) => `Enable ${name}?`,
  confirmEnable: (name: string) => `${name} will be able to sign in again with their password and two-factor method.`,
  confirmRoleHeading: (name: string) => `Change ${name}'s role?`,
  confirmRole: (name: string, from: string, to: string) => `${name} changes from ${from} to ${to}. ${to === "Client" ? "They lose access to the support console." : to === "Administrator" ? "They will be able to create, disable and enable users and change roles and e-mail addresses." : "They will be able to look users up and reset their two-factor sign-in."}`,
} as const;
