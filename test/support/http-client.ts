/**
 * A small browser stand-in over real HTTP: keeps cookies, does not follow redirects (tests assert
 * them), and fills the CSRF token from the page a form was on, as a browser would.
 */
export interface Response2 {
  status: number;
  location: string | null;
  headers: Headers;
  body: string;
}

export class HttpClient {
  private cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  clearCookies(): void {
    this.cookies.clear();
  }

  async request(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<Response2> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, body: options.body, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, location: response.headers.get("location"), headers: response.headers, body: await response.text() };
  }

  get(path: string): Promise<Response2> {
    return this.request("GET", path);
  }

  /** POSTs a form as-is (no CSRF token added). */
  postForm(path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Response2> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    return this.request("POST", path, { body: body.toString(), headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });
  }

  /** Loads `pagePath`, takes the CSRF token of its form, and submits `fields` to `action` (default: the page). */
  async submit(pagePath: string, fields: Record<string, string>, action = pagePath): Promise<Response2> {
    const page = await this.get(pagePath);
    return this.postForm(action, { _csrf: csrfTokenOf(page.body), ...fields });
  }
}

export function csrfTokenOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error(`no CSRF token on the page:\n${html.slice(0, 500)}`);
  return match[1];
}
