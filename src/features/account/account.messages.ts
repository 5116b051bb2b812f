/** Every sentence the "Change password", "Profile" and "Sessions" pages show, in one place. */
export const ACCOUNT_MESSAGES = {
  passwordTitle: "Change password",
  passwordSubmit: "Change password",
  currentWrong: "Your current password is not correct.",
  tooManyWrong: "Too many wrong passwords. For your security, try again in 15 minutes.",
  changedMeanwhile: "Your password was changed in the meantime, so nothing was done. Enter your current password again.",
  passwordChanged: "Your password has been changed. Your other sessions were signed out.",
  profileTitle: "Profile",
  nameInvalid: "Enter a name of 1 to 100 characters.",
  profileSaved: "Your profile has been saved.",
  timeZoneAutomatic: "Your browser's time zone",
  timeZoneHint: "The portal shows every date and time in this zone.",
  timeZoneUnknown: "Time zone must be one of the zones in the list.",
  sessionsTitle: "Sessions",
  backToSessions: "Back to Sessions",
  othersSignedOut: (count: number) => (count === 1 ? "1 other session was signed out." : `${count} other sessions were signed out.`),
  sessionSignedOut: "The session was signed out.",
} as const;
