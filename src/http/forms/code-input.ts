import { z } from "zod";
import { normalizeCode } from "../../auth/totp.ts";
import { checkbox, formSchema, parseForm, text } from "./form.ts";

/** The code fields' `maxlength`: six digits with room for spaces or dashes as pasted ("123 - 456"). */
export const CODE_FIELD_MAX_LENGTH = 12;
import { MESSAGES } from "../../views/code-messages.ts";

const codeFormSchema = formSchema({ code: text(CODE_FIELD_MAX_LENGTH, "The code") });
/** Two-Factor Verification's form also has "Remember this browser for N days". */
const signInCodeFormSchema = formSchema({ code: text(CODE_FIELD_MAX_LENGTH, "The code"), remember: checkbox() });

/**
 * Reads the "Six-digit code" field. Spaces and dashes are ignored; anything else that is not six
 * digits gets a message and is never looked up (so it does not spend a try).
 */
export function readCode(body: unknown, options: { signIn?: boolean } = {}): { ok: true; code: string; remember: boolean } | { ok: false; message: string; status: 400 } {
  const form = parseForm<{ code: string; remember?: "on" | undefined }>(options.signIn ? signInCodeFormSchema : codeFormSchema, body);
  if (!form.ok) return { ok: false, message: form.message, status: 400 };
  const code = normalizeCode(form.data.code);
  return code ? { ok: true, code, remember: form.data.remember === "on" } : { ok: false, message: MESSAGES.codeFormat, status: 400 };
}

export const emptyForm = formSchema({});
export type EmptyForm = z.infer<typeof emptyForm>;
