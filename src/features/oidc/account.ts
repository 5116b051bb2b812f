import type { Kysely } from "kysely";
import type { Account, KoaContextWithOIDC } from "oidc-provider";
import type { ValidSession } from "../../auth/session.ts";
import type { DB, SignInMethod } from "../../db/schema.ts";

/**
 * The ID token's `amr` for each way a second factor is proven (RFC 8176 §2): `otp` a one-time password
 * (an authenticator app's code, or a recovery code: a look-up secret), `sms` a code texted to the user,
 * `hwk` a security key or passkey (a hardware-secured key). A browser the user asked to remember proved
 * its factor on an earlier sign-in: RFC 8176 has no value for that, so it says `remembered` (RPs ignore
 * values they do not know, §2) and no factor of its own. One table: a new method is one more line here.
 */
export const FACTOR_AMR: Readonly<Record<SignInMethod, readonly string[]>> = {
  totp: ["otp"],
  sms: ["sms"],
  webauthn: ["hwk"],
  recovery_code: ["otp"],
  remembered: ["remembered"],
};

/** Every portal sign-in is password plus a second factor: the PAPE multi-factor policy (OpenID PAPE 1.0 §4). */
export const ACR_MULTI_FACTOR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";

export interface PortalLogin {
  accountId: string;
  /** Seconds since the epoch: when this sign-in's password was verified (auth_time). */
  loginTs: number;
  amr: string[];
  acr: string;
}

/**
 * What a portal session proves, as oidc-provider's login: only a full session that recorded its
 * sign-in (sessions from before migration 0009 did not) proves anything; the user signs in again.
 */
export function portalLogin(auth: ValidSession | null): PortalLogin | null {
  const session = auth?.session;
  if (!auth || !session || session.stage !== "full" || session.password_verified_at === null || session.second_factor_method === null) return null;
  return {
    accountId: auth.user.id,
    loginTs: Math.floor(session.password_verified_at / 1000),
    amr: ["pwd", "mfa", ...FACTOR_AMR[session.second_factor_method]],
    acr: ACR_MULTI_FACTOR,
  };
}

/**
 * The claims of a user. `sub` is the user's id (128 random bits): stable and never the e-mail. The
 * address counts as verified once the user has used a link e-mailed to it (invitation or password reset).
 */
export function findAccount(db: Kysely<DB>) {
  return async (_ctx: KoaContextWithOIDC, sub: string): Promise<Account | undefined> => {
    const user = await db.selectFrom("users").select(["id", "email", "display_name", "disabled_at"]).where("id", "=", sub).executeTakeFirst();
    if (!user || user.disabled_at !== null) return undefined;
    return {
      accountId: user.id,
      async claims() {
        const link = await db
          .selectFrom("one_time_links")
          .select("id")
          .where("user_id", "=", user.id)
          .where("purpose", "in", ["invite", "password_reset"])
          .where("used_at", "is not", null)
          .limit(1)
          .executeTakeFirst();
        return { sub: user.id, email: user.email, email_verified: link !== undefined, name: user.display_name };
      },
    };
  };
}
