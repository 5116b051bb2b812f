import type { Migration } from "kysely";
import * as m0001 from "./0001_initial.ts";
import * as m0002 from "./0002_second_factors.ts";
import * as m0003 from "./0003_fallback_phone.ts";
import * as m0004 from "./0004_outgoing_mail.ts";
import * as m0005 from "./0005_account_recovery.ts";
import * as m0006 from "./0006_session_handle.ts";
import * as m0007 from "./0007_second_factor_session_index.ts";
import * as m0008 from "./0008_audit_events_order_index.ts";
import * as m0009 from "./0009_apps_and_oidc.ts";
import * as m0010 from "./0010_more_factors.ts";
import * as m0011 from "./0011_pending_actions.ts";
import * as m0012 from "./0012_user_time_zone.ts";
import * as m0013 from "./0013_audit_events_time_index.ts";
import * as m0014 from "./0014_one_time_links_user_index.ts";

/** Every migration, in order. Names are permanent: never rename one that has shipped. */
export const migrations: Record<string, Migration> = {
  "0001_initial": m0001,
  "0002_second_factors": m0002,
  "0003_fallback_phone": m0003,
  "0004_outgoing_mail": m0004,
  "0005_account_recovery": m0005,
  "0006_session_handle": m0006,
  "0007_second_factor_session_index": m0007,
  "0008_audit_events_order_index": m0008,
  "0009_apps_and_oidc": m0009,
  "0010_more_factors": m0010,
  "0011_pending_actions": m0011,
  "0012_user_time_zone": m0012,
  "0013_audit_events_time_index": m0013,
  "0014_one_time_links_user_index": m0014,
};
