import type { SafeHtml } from "../../views/html.ts";
import { html, trustedHtml } from "../../views/html.ts";
import { type PageBrand, renderPage } from "../../views/layout.ts";
import { OIDC_MESSAGES as M } from "./oidc.messages.ts";

/**
 * After the portal's own forms, the browser goes on to the app through this page, not a redirect:
 * Chromium applies the form's CSP `form-action 'self'` to every redirect that follows a form post, so
 * a 303 chain ending at the app would be refused. A zero-second refresh is a new navigation.
 */
export function continueBody(o: { appName: string; href: string }): SafeHtml {
  return html`<h1>${M.continueHeading(o.appName)}</h1>
<p><a href="${o.href}" data-continue>${M.continueLink(o.appName)}</a></p>`;
}

export function continueHead(href: string): SafeHtml {
  return html`<meta http-equiv="refresh" content="0;url=${href}">`;
}

/** The provider's logout form (hidden fields, id "op.logoutForm") with the portal's words and buttons. */
export function logoutBody(o: { portalName: string; form: string }): SafeHtml {
  return html`<h1>${M.logoutHeading}</h1>
<p>${M.logoutQuestion(o.portalName)}</p>
${trustedHtml(o.form)}
<div class="actions">
  <button type="submit" form="op.logoutForm" name="logout" value="yes" class="button-primary">${M.logoutYes}</button>
  <button type="submit" form="op.logoutForm">${M.logoutNo}</button>
</div>`;
}

export function errorBody(o: { error: string }): SafeHtml {
  const words = M.errors[o.error] ?? M.errorFallback;
  return html`<h1>${M.errorHeading}</h1>
<p>${words}</p>
<p class="hint">Error code: <code>${o.error}</code></p>`;
}

export function messageOnly(o: { heading: string; message: string }): SafeHtml {
  return html`<h1>${o.heading}</h1>
<p role="status">${o.message}</p>`;
}

/** A whole portal page for a response the provider writes itself (no Fastify request: nobody's menu). */
export function renderProviderPage(o: { title: string; brand: PageBrand; body: SafeHtml; head?: SafeHtml }): string {
  const page = renderPage({ title: o.title, brand: o.brand, csrfToken: "", user: null, body: o.body });
  return o.head ? page.replace("</head>", `${o.head.toString()}\n</head>`) : page;
}
