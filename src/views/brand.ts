import { createHash } from "node:crypto";
import type { BrandConfig, LogoContentType } from "../config/brand.ts";
import { type BrandPalette, brandPalette } from "./brand-colors.ts";

/** Paths the portal serves its brand at (src/http/routes/brand-assets.ts). */
export const BRAND_STYLESHEET_PATH = "/assets/brand.css";
export const BRAND_LOGO_PATH = "/assets/brand-logo";

/** Bytes served under a path that carries their hash (`?v=`), so a new colour or logo is fetched at once. */
export interface VersionedAsset {
  body: Buffer;
  contentType: string;
  /** Hex SHA-256 prefix of the body: the `?v=` of its address and its ETag. */
  hash: string;
}

/** Everything pages and e-mails show of the brand, worked out once per configuration. */
export interface BrandAssets {
  portalName: string;
  palette: BrandPalette;
  stylesheet: VersionedAsset;
  /** The page's `<link>` to the stylesheet. */
  stylesheetHref: string;
  /** The logo as pages load it (root-relative, or BRAND_LOGO_URL) and as e-mails do (absolute); null: the name only. */
  logo: { src: string; absoluteUrl: string } | null;
  /** The logo file the portal serves itself; null when there is none or it lives at BRAND_LOGO_URL. */
  logoFile: (VersionedAsset & { contentType: LogoContentType }) | null;
}

export interface BrandSource {
  portalName: string;
  publicUrl: URL;
  brand: BrandConfig;
}

function versioned(body: Buffer, contentType: string): VersionedAsset {
  return { body, contentType, hash: createHash("sha256").update(body).digest("hex").slice(0, 16) };
}

/** The custom properties public/app.css reads; the only place the brand colour reaches the pages. */
export function brandStylesheet(palette: BrandPalette): string {
  return [
    "/* Generated at start from BRAND_COLOR (src/views/brand.ts); contrast checked per WCAG 2.1. */",
    ":root {",
    `  --brand: ${palette.brand};`,
    `  --brand-text: ${palette.text};`,
    `  --brand-fill: ${palette.fill};`,
    `  --on-brand: ${palette.onFill};`,
    "}",
    "",
  ].join("\n");
}

function derive(source: BrandSource): BrandAssets {
  const palette = brandPalette(source.brand.color);
  const stylesheet = versioned(Buffer.from(brandStylesheet(palette)), "text/css; charset=utf-8");
  const { logo } = source.brand;
  const logoFile = logo?.kind === "file" ? { ...versioned(logo.bytes, logo.contentType), contentType: logo.contentType } : null;
  const localSrc = logoFile ? `${BRAND_LOGO_PATH}?v=${logoFile.hash}` : null;
  return {
    portalName: source.portalName,
    palette,
    stylesheet,
    stylesheetHref: `${BRAND_STYLESHEET_PATH}?v=${stylesheet.hash}`,
    logo: logo?.kind === "url" ? { src: logo.url.href, absoluteUrl: logo.url.href } : localSrc ? { src: localSrc, absoluteUrl: new URL(localSrc, source.publicUrl).href } : null,
    logoFile,
  };
}

const cache = new WeakMap<BrandConfig, { key: string; assets: BrandAssets }>();

/** The brand of a configuration, derived on first use and kept while the configuration lives. */
export function brandAssets(source: BrandSource): BrandAssets {
  const key = `${source.portalName}\n${source.publicUrl.href}`;
  const cached = cache.get(source.brand);
  if (cached?.key === key) return cached.assets;
  const assets = derive(source);
  cache.set(source.brand, { key, assets });
  return assets;
}
