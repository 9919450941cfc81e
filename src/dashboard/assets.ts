import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Context } from 'koa';

/** Folder of the page, its script modules and stylesheet: served as they are, no build step. */
export const PUBLIC_DIR = path.join(__dirname, 'public');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** One static file, read once at start-up. */
export interface StaticAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

/**
 * Reads every servable file of {@link PUBLIC_DIR} once. Only these names are ever served, so no
 * request path can reach another file.
 */
export function loadDashboardAssets(dir: string = PUBLIC_DIR): Map<string, StaticAsset> {
  const assets = new Map<string, StaticAsset>();
  for (const name of readdirSync(dir)) {
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (!contentType) continue;
    const body = readFileSync(path.join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name, { body, contentType, etag });
  }
  return assets;
}

/** Same-origin only: no inline script or style, no third-party host, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Answers with an asset, or 304 when the browser's copy is current (revalidated on every load). */
export function sendAsset(ctx: Context, asset: StaticAsset): void {
  ctx.set('cache-control', 'no-cache');
  ctx.set('etag', asset.etag);
  ctx.set('x-content-type-options', 'nosniff');
  if (ctx.get('if-none-match') === asset.etag) {
    ctx.status = 304;
    return;
  }
  ctx.type = asset.contentType;
  ctx.body = asset.body;
}
