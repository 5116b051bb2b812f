import type { Command } from "commander";
import { type AppError, appAllowedRoles, appRedirectUris, createApp, listApps, removeApp } from "../../auth/apps.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import { ROLES } from "../../auth/user.ts";
import { systemClock } from "../../clock.ts";
import { cryptoRandom } from "../../crypto/random.ts";
import { migrateToLatest } from "../../db/migrator.ts";
import { CliError } from "../io.ts";
import { loadCliConfig, openCliDatabase } from "../open.ts";

const APP_ERRORS: Record<AppError, string> = {
  invalid_name: "the name must be 1 to 100 characters",
  duplicate_name: "an app with this name already exists",
  invalid_url: "--url must be an absolute http:// or https:// address without a #fragment",
  invalid_redirect_uri: "each --redirect-uri must be an absolute http:// or https:// address without a #fragment (20 at most)",
  missing_redirect_uri: "an OpenID Connect app needs at least one --redirect-uri",
  invalid_role: `--roles must be a comma list of ${ROLES.join(", ")}`,
  not_found: "no app has this name",
};

const collect = (value: string, previous: string[]) => [...previous, value];

async function openMigrated() {
  const config = loadCliConfig();
  const database = await openCliDatabase(config);
  if (config.migrateOnStart) await migrateToLatest(database);
  return database;
}

interface AddOptions {
  name: string;
  url: string;
  oidc?: boolean;
  proxy?: boolean;
  redirectUri: string[];
  postLogoutRedirectUri: string[];
  backchannelLogoutUri?: string;
  public?: boolean;
  roles?: string;
}

export function registerApps(program: Command): void {
  const apps = program.command("apps").description("register the apps users reach through the portal (single sign-on)");

  apps
    .command("add")
    .description("register an app; with --oidc prints client_id=… and (unless --public) client_secret=…, shown only this once")
    .requiredOption("--name <name>", "the app's name, as users see it")
    .requiredOption("--url <url>", "the address a user opens")
    .option("--oidc", "the app signs users in with OpenID Connect")
    .option("--proxy", "the app sits behind a reverse proxy that asks the portal (forward auth)")
    .option("--redirect-uri <uri>", "an OpenID Connect redirect URI (repeat for more)", collect, [])
    .option("--post-logout-redirect-uri <uri>", "where the app may send users after signing out (repeat for more)", collect, [])
    .option("--backchannel-logout-uri <uri>", "told when a user signs out of the portal (OpenID Connect Back-Channel Logout)")
    .option("--public", "a public client (browser or native app): no secret, PKCE required")
    .option("--roles <roles>", `who may use it: a comma list of ${ROLES.join(", ")} (default: everyone)`)
    .action(async (options: AddOptions) => {
      if (Boolean(options.oidc) === Boolean(options.proxy)) throw new CliError("choose exactly one of --oidc and --proxy");
      if (options.proxy && (options.redirectUri.length > 0 || options.public)) throw new CliError("--redirect-uri and --public are for --oidc apps");
      const roles = options.roles === undefined ? null : options.roles.split(",").map((role) => role.trim()).filter(Boolean);
      const database = await openMigrated();
      const deps = { clock: systemClock, random: cryptoRandom };
      try {
        const created = await createApp(database.db, deps, {
          name: options.name,
          url: options.url,
          method: options.oidc ? "oidc" : "proxy",
          allowedRoles: roles,
          redirectUris: options.redirectUri,
          postLogoutRedirectUris: options.postLogoutRedirectUri,
          backchannelLogoutUri: options.backchannelLogoutUri ?? null,
          publicClient: Boolean(options.public),
        });
        if (!created.ok) throw new CliError(APP_ERRORS[created.error]);
        const { app } = created;
        await recordAuditEvent(database.db, deps, { type: "app.created", actorUserId: null, subjectUserId: null, detail: { via: "cli", app: app.name, method: app.method } });
        if (app.client_id) process.stdout.write(`client_id=${app.client_id}\n`);
        if (created.clientSecret) process.stdout.write(`client_secret=${created.clientSecret}\n`);
        if (!app.client_id) process.stdout.write(`Registered ${app.name} (reverse proxy) at ${app.host}\n`);
      } finally {
        await database.close();
      }
    });

  apps
    .command("list")
    .description("list registered apps")
    .action(async () => {
      const database = await openMigrated();
      try {
        for (const app of await listApps(database.db)) {
          const who = appAllowedRoles(app)?.join(",") ?? "everyone";
          const method = app.method === "oidc" ? `oidc client_id=${app.client_id} ${app.client_secret_hash ? "confidential" : "public"} redirect_uris=${appRedirectUris(app).join(",")}` : "proxy";
          process.stdout.write(`${app.name}\t${app.url}\t${method}\troles=${who}\n`);
        }
      } finally {
        await database.close();
      }
    });

  apps
    .command("remove")
    .description("remove an app: its sign-ins and tokens stop working")
    .requiredOption("--name <name>", "the app's name")
    .action(async (options: { name: string }) => {
      const database = await openMigrated();
      const deps = { clock: systemClock, random: cryptoRandom };
      try {
        const removed = await removeApp(database.db, options.name);
        if (!removed) throw new CliError(APP_ERRORS.not_found);
        await recordAuditEvent(database.db, deps, { type: "app.removed", actorUserId: null, subjectUserId: null, detail: { via: "cli", app: removed.name } });
        process.stdout.write(`Removed ${removed.name}\n`);
      } finally {
        await database.close();
      }
    });
}
