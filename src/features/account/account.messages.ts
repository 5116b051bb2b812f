/** Every sentence the account pages show. */
export const ACCOUNT_MESSAGES = {
  currentWrong: "Your current password is not correct.",
  tooManyWrong: "Too many wrong passwords. For your security, try again in 15 minutes.",
  changedMeanwhile: "Your password was changed in the meantime, so nothing was done. Enter your current password again.",
  passwordChanged: "Your password has been changed. Your other sessions were signed out.",
} as const;
