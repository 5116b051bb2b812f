/** Every sentence the invitation and first-administrator pages show. */
export const INVITATION_MESSAGES = {
  inviteHeading: "Choose your password",
  inviteIntro: "Choose the password you will sign in with. Next you will set up two-factor sign-in.",
  inviteSubmit: "Save password",
  inviteGoneHeading: "This invitation no longer works",
  inviteExpired: "It has expired. Ask your administrator for a new invitation.",
  inviteUsed: "It has already been used or is not valid. Ask your administrator for a new invitation.",
  firstAdminHeading: "Create the administrator account",
  firstAdminIntro: "This link works once. The account you create here administers the portal.",
  firstAdminSubmit: "Create account",
  firstAdminGoneHeading: "This link no longer works",
  firstAdminGone: "It has been used or has expired. Restart the portal on an empty database to print a new one, or sign in.",
  emailInvalid: "Enter a valid email address.",
  nameInvalid: "Enter a name of 1 to 100 characters.",
  signIn: "Sign in",
} as const;
