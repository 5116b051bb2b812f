import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { HTTP_MESSAGES as M } from "../http.messages.ts";

/** The most any single text field may hold before we refuse the form (passwords allow 128 characters). */
export const FIELD_MAX_LENGTH = 1024;

/**
 * Text a person typed, at most `max` UTF-16 units: the field's `maxlength`, which counts the same
 * units, so the browser stops the typing where the server would refuse. `label` is the field's label,
 * for a message a client understands. NUL never is typed, and PostgreSQL cannot store it (refused with
 * a 400, not a 500).
 */
export const text = (max = FIELD_MAX_LENGTH, label = "This field") =>
  z
    .string({ message: M.fieldNotText(label) })
    .max(max, { message: M.fieldTooLong(label, max) })
    .refine((value) => !value.includes("\u0000"), { message: M.fieldHasNul(label) });

/** A checkbox: "on" when checked (browsers send nothing when it is not). */
export const checkbox = () => z.literal("on", { message: M.checkboxInvalid }).optional();

/** A form schema: known fields plus the CSRF token, and nothing else (unknown fields are refused). */
export function formSchema<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject({ _csrf: z.string().optional(), ...shape });
}

/** A form with no fields but its CSRF token (a button). */
export const emptyFormSchema = formSchema({});

export type FormResult<T> = { ok: true; data: T } | { ok: false; message: string };

/** Parses a form body; the message names the field and what is wrong, for a 400 page. */
export function parseForm<T>(schema: z.ZodType<T>, body: unknown): FormResult<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const issue = result.error.issues[0];
  if (!issue) return { ok: false, message: M.formUnreadable };
  if (issue.code === "unrecognized_keys") return { ok: false, message: M.formUnknownField(issue.keys.join(", ")) };
  const name = issue.path.join(".") || "form";
  const present = typeof body === "object" && body !== null && issue.path[0] !== undefined && String(issue.path[0]) in body;
  if (issue.code === "invalid_type" && !present) return { ok: false, message: M.fieldMissing(name) };
  return { ok: false, message: issue.message };
}

/**
 * Enforces `config.emptyForm` for every route that sets it, as the route's last preHandler: after the
 * session, CSRF and route guards, so a request that may not be there is redirected, not parsed.
 */
export function registerEmptyFormCheck(app: FastifyInstance, refuse: (request: FastifyRequest, reply: FastifyReply, message: string) => FastifyReply): void {
  const check = async (request: FastifyRequest, reply: FastifyReply) => {
    const form = parseForm(emptyFormSchema, request.body);
    return form.ok ? undefined : refuse(request, reply, form.message);
  };
  app.addHook("onRoute", (route) => {
    if (!route.config?.emptyForm) return;
    const existing = route.preHandler ? (Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]) : [];
    route.preHandler = [...existing, check];
  });
}
