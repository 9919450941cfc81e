import type { Context } from 'koa';
import { verifyErrors } from './errors';
import { VerifyParams } from './form';
import { renderContext } from './lookups';
import type { RenderContext } from './render';
import type { VerifyState } from './verify-state';

/** Twilio's default and largest page sizes. */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/**
 * One page of a list answer with Twilio's `meta` envelope, picked by the request's `PageSize`, `Page`
 * and `PageToken`, each item rendered for this request (lookups.ts, renderContext). Page URLs are
 * absolute and point at the emulator (twilio-node follows `next_page_url` verbatim) and echo the
 * list's filters. The next page carries `PageToken=PT<sid of the page's last item>`, so a page
 * fetched after new items were created continues where the previous one ended; without a token,
 * `Page` × `PageSize` is the offset.
 */
export function listPage<T extends { sid: string }, R>(
  ctx: Context,
  verify: VerifyState,
  input: { key: string; items: T[]; render: (item: T, at: RenderContext) => R; filters?: [string, string][] },
): Record<string, unknown> {
  const params = VerifyParams.of(ctx);
  const pageSize = params.integer('PageSize', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE;
  const page = params.integer('Page', 0, 1_000_000) ?? 0;
  const token = params.get('PageToken', true);
  let start = page * pageSize;
  if (token !== undefined && token !== '') {
    const after = token.startsWith('PT') ? input.items.findIndex((item) => item.sid === token.slice(2)) : -1;
    if (after === -1) throw verifyErrors.invalidRequest(`PageToken ${token} does not belong to this list`);
    start = after + 1;
  }
  const items = input.items.slice(start, start + pageSize);
  const at = renderContext(ctx, verify);
  const more = start + pageSize < input.items.length;
  const base = `${ctx.protocol}://${ctx.host}${ctx.path}`;
  const url = (pageNumber: number, pageToken?: string) => {
    const query = new URLSearchParams([
      ...(input.filters ?? []),
      ['PageSize', String(pageSize)],
      ['Page', String(pageNumber)],
    ]);
    if (pageToken !== undefined) query.set('PageToken', pageToken);
    return `${base}?${query.toString()}`;
  };
  return {
    [input.key]: items.map((item) => input.render(item, at)),
    meta: {
      page,
      page_size: pageSize,
      first_page_url: url(0),
      previous_page_url: page > 0 ? url(page - 1) : null,
      next_page_url: more && items.length > 0 ? url(page + 1, `PT${items[items.length - 1]!.sid}`) : null,
      url: url(page, token === undefined || token === '' ? undefined : token),
      key: input.key,
    },
  };
}
