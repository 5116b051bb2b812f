import { html } from "../../views/html.ts";

/**
 * A refusal shown on the protected app's own address (the proxy hands the portal's answer to the
 * browser there): one self-contained page, since the portal's layout links its stylesheet and its
 * sign-out form by paths that would resolve against the app's host.
 */
export function refusalPage(o: { portalName: string; heading: string; message: string; portalUrl: string; linkText: string }): string {
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.heading} · ${o.portalName}</title>
</head>
<body>
<main>
<h1>${o.heading}</h1>
<p>${o.message}</p>
<p><a href="${o.portalUrl}">${o.linkText}</a></p>
</main>
</body>
</html>`}`;
}
