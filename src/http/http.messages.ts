/** Every sentence the server's own plumbing shows: error pages, unreadable forms, choosing a password. */
export const HTTP_MESSAGES = {
  adminsOnlyHeading: "Administrators only",
  /** The page for each refused request, by HTTP status. */
  errors: {
    400: { heading: "That request could not be read", message: "The form was incomplete or malformed. Go back and try again." },
    403: { heading: "Request refused", message: "This form has expired or was sent from another site. Go back, reload the page and try again." },
    404: { heading: "Page not found", message: "There is no page at this address." },
    405: { heading: "Not allowed", message: "This address does not accept that kind of request." },
    413: { heading: "Request too large", message: "What you sent is larger than this portal accepts." },
    415: { heading: "Unsupported form", message: "Forms must be sent as application/x-www-form-urlencoded." },
    429: { heading: "Too many requests", message: "Please wait a moment and try again." },
  },
  badRequestHeading: "That request could not be read",
  serverErrorHeading: "Something went wrong",
  serverError: "The portal could not complete this request. Please try again.",
  requestInvalid: (detail: string) => `The request is not valid: ${detail}.`,
  goToPortal: "Go to the portal",

  // Forms: the field's name and what is wrong with it.
  fieldNotText: (label: string) => `${label} was sent in a form this page did not make. Reload the page and try again.`,
  fieldTooLong: (label: string, max: number) => `${label} must be ${max} characters or fewer.`,
  fieldHasNul: (label: string) => `${label} contains a character that cannot be used. Retype it and try again.`,
  checkboxInvalid: "A checkbox was sent with a value this page did not make. Reload the page and try again.",
  formUnreadable: "The form could not be read.",
  formUnknownField: (keys: string) => `The form has a field it should not have: ${keys}.`,
  fieldMissing: (name: string) => `The field ${name} is missing.`,

  // Choosing a password, on every page that sets one.
  passwordTooShort: (min: number) => `Use at least ${min} characters.`,
  passwordTooLong: (max: number) => `Use at most ${max} characters.`,
  passwordCommon: "This password is one of the most commonly used ones, so attackers try it first. Choose another.",
  passwordsDiffer: "The two passwords do not match.",
  passwordUnchanged: "Choose a password different from your current one.",
} as const;
