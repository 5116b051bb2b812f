import { mayUseApp } from "../../auth/apps-access.ts";
import type { ValidSession } from "../../auth/session.ts";
import type { App } from "../../db/schema.ts";

export type ForwardAuthDecision =
  | { kind: "unregistered" }
  | { kind: "sign_in" }
  | { kind: "forbidden"; app: App }
  | { kind: "allowed"; app: App; identity: RemoteIdentity };

/** What the protected app is told about the user (Authelia's and Authentik's header names). */
export interface RemoteIdentity {
  user: string;
  email: string;
  name: string;
  groups: string;
}

/**
 * The one decision of forward auth, from the session the guard already looked up (joined with its
 * user) and the app: only a full session counts (a pending one has not passed its second factor), and
 * only for a user the app allows (src/auth/apps-access.ts). `sub` is the user's id, as in OIDC.
 */
export function decide(app: App | undefined, auth: ValidSession | null): ForwardAuthDecision {
  if (!app) return { kind: "unregistered" };
  if (!auth || auth.session.stage !== "full") return { kind: "sign_in" };
  if (!mayUseApp(app, auth.user)) return { kind: "forbidden", app };
  const { user } = auth;
  return { kind: "allowed", app, identity: { user: user.id, email: user.email, name: user.display_name, groups: user.role } };
}
