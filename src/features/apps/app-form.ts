import { z } from "zod";
import type { AppInput } from "../../auth/apps.ts";
import type { App } from "../../db/schema.ts";
import { appAllowedRoles, appRedirectUris } from "../../auth/apps.ts";
import { formSchema, parseForm, text } from "../../http/forms/form.ts";
import { APPS_MESSAGES as M } from "./apps.messages.ts";

/** What the Add app / edit form holds, as typed (shown again with its errors). */
export interface AppFormValues {
  name: string;
  url: string;
  method: string;
  redirectUris: string;
  access: string;
  roles: string[];
}

export type AppFormErrors = Partial<Record<"name" | "url" | "method" | "redirect_uris" | "access" | "roles" | "form", string>>;

const roles = z.union([text(16), z.array(text(16)).max(3)]).optional();
const appForm = formSchema({ name: text(200, "Name"), url: text(2048, "Address"), method: text(16, "Sign-in method").optional(), redirect_uris: text(20 * 2048 + 40, "Redirect URIs").optional(), access: text(16, "Who may use it").optional(), roles });

export const EMPTY_FORM: AppFormValues = { name: "", url: "", method: "", redirectUris: "", access: "everyone", roles: [] };

export function formValuesOf(app: App): AppFormValues {
  const allowed = appAllowedRoles(app);
  return { name: app.name, url: app.url, method: app.method, redirectUris: appRedirectUris(app).join("\n"), access: allowed ? "roles" : "everyone", roles: allowed ?? [] };
}

/** The form as the repository's input, or what is wrong with it (field by field). An edit keeps the app's method. */
export function readAppForm(body: unknown, fixedMethod?: App["method"]): { ok: true; values: AppFormValues; input: AppInput } | { ok: false; values: AppFormValues; errors: AppFormErrors } {
  const parsed = parseForm(appForm, body);
  if (!parsed.ok) return { ok: false, values: EMPTY_FORM, errors: { form: parsed.message } };
  const data = parsed.data;
  const values: AppFormValues = {
    name: data.name,
    url: data.url.trim(),
    method: fixedMethod ?? data.method ?? "",
    redirectUris: data.redirect_uris ?? "",
    access: data.access ?? "",
    roles: data.roles === undefined ? [] : Array.isArray(data.roles) ? data.roles : [data.roles],
  };
  const errors: AppFormErrors = {};
  if (values.method !== "oidc" && values.method !== "proxy") errors.method = M.chooseMethod;
  if (values.access !== "everyone" && values.access !== "roles") errors.access = M.chooseAccess;
  if (values.access === "roles" && values.roles.length === 0) errors.roles = M.chooseSomeRoles;
  if (Object.keys(errors).length > 0) return { ok: false, values, errors };
  const redirectUris = values.redirectUris.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  return {
    ok: true,
    values,
    input: { name: values.name, url: values.url, method: values.method as AppInput["method"], allowedRoles: values.access === "roles" ? values.roles : null, redirectUris: values.method === "oidc" ? redirectUris : [] },
  };
}
