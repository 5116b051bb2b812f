import type { Role } from "../db/schema.ts";
import type { BrandAssets } from "./brand.ts";
import { errorSummary, type PageError } from "./error-summary.ts";
import { html, type SafeHtml } from "./html.ts";

export interface PageUser {
  displayName: string;
  /** Only a full session gets the account menu; a pending one gets just "Sign out". */
  full: boolean;
  /** Support agents and administrators also get "Support console"; administrators "Apps". */
  role: Role;
}

/** What a page shows of the brand: the name (title, and the logo's alt text), the colours, the logo. */
export type PageBrand = Pick<BrandAssets, "portalName" | "stylesheetHref" | "logo">;

export interface PageOptions {
  title: string;
  brand: PageBrand;
  csrfToken: string;
  user: PageUser | null;
  /** A confirmation shown in a role="status" region. */
  status?: string | null;
  body: SafeHtml;
  /** What the body reported (see error-summary.ts): listed above it, and the title starts with "Error:". */
  errors?: readonly PageError[];
  /** A refused form whose error lives elsewhere (e.g. in a dialog): the title still says "Error:". */
  failed?: boolean;
}

/** The logo, named by the portal's name, or else the name itself. */
function brandMark({ portalName, logo }: PageBrand): SafeHtml {
  if (!logo) return html`<span class="brand">${portalName}</span>`;
  return html`<span class="brand"><img class="brand-logo" src="${logo.src}" alt="${portalName}"></span>`;
}

function header(options: PageOptions): SafeHtml {
  const { user, csrfToken, brand } = options;
  const signOut = html`<form method="post" action="/logout" class="inline-form">
      <input type="hidden" name="_csrf" value="${csrfToken}">
      <button type="submit" class="menu-item-button">Sign out</button>
    </form>`;
  if (!user) return html`<header class="site-header">${brandMark(brand)}</header>`;
  return html`<header class="site-header">
  <nav class="user-menu" aria-label="Account">
    <button type="button" class="user-menu-button" aria-haspopup="true" aria-expanded="false" aria-controls="user-menu-list" data-menu-button hidden>${user.displayName}</button>
    <ul id="user-menu-list" class="user-menu-list" data-menu-list>
      ${user.full ? html`<li><a href="/two-factor">Manage Two-Factor</a></li><li><a href="/account/password">Change password</a></li><li><a href="/account/profile">Profile</a></li><li><a href="/account/sessions">Sessions</a></li>` : null}
      ${user.full && (user.role === "support" || user.role === "admin") ? html`<li><a href="/admin">Support console</a></li>` : null}
      ${user.full && user.role === "admin" ? html`<li><a href="/admin/apps">Apps</a></li>` : null}
      <li>${signOut}</li>
    </ul>
  </nav>
  ${brandMark(brand)}
</header>`;
}

export function renderPage(options: PageOptions): string {
  const errors = options.errors ?? [];
  const failed = errors.length > 0 || options.failed === true;
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${failed ? "Error: " : null}${options.title} · ${options.brand.portalName}</title>
<link rel="icon" href="/favicon.ico" sizes="16x16">
<link rel="stylesheet" href="/assets/app.css">
<link rel="stylesheet" href="${options.brand.stylesheetHref}">
<script src="/assets/app.js" defer></script>
</head>
<body>
${header(options)}
<main id="main">
${options.status ? html`<div role="status" class="notice notice-success">${options.status}</div>` : html`<div role="status" class="visually-empty"></div>`}
${errorSummary(errors)}
${options.body}
</main>
</body>
</html>`}`;
}
