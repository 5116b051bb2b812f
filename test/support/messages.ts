import { FALLBACK_PHONE_MESSAGES } from "../../src/features/fallback-phone/fallback-phone.messages.ts";
import { SECOND_FACTOR_MESSAGES } from "../../src/features/second-factor/second-factor.messages.ts";
import { SETUP_MESSAGES } from "../../src/features/setup/setup.messages.ts";
import { MESSAGES as CODE_MESSAGES } from "../../src/views/code-messages.ts";

/** Every feature's messages in one object, so a test names a sentence without knowing which feature owns it. */
export const MESSAGES = { ...CODE_MESSAGES, ...SETUP_MESSAGES, ...SECOND_FACTOR_MESSAGES, ...FALLBACK_PHONE_MESSAGES } as const;
