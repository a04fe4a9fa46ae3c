/**
 * Kustomer's page/pageSize pagination (docs/kustomer.md §12): `page` from 1, `meta: {page, pageSize}`, and `links` as relative paths
 * with `next: null` on the last page. A pageSize above the endpoint's maximum is clamped to it (whether Kustomer
 * clamps or refuses is unknown); a page or pageSize that is not a positive integer is a 400.
 */
import type { ApiContext } from './api-env.ts';
import { kustomerError } from './kustomer-error.ts';

export interface PageRequest {
  page: number;
  pageSize: number;
}

function positiveInt(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1) throw kustomerError(400, `${name} must be a positive integer`, { parameter: name });
  return n;
}

export function readPage(url: URL, maxPageSize: number, defaultPageSize = 100): PageRequest {
  return { page: positiveInt(url, 'page') ?? 1, pageSize: Math.min(positiveInt(url, 'pageSize') ?? defaultPageSize, maxPageSize) };
}

/** Same path and query, other page. */
function pageLink(url: URL, page: number, pageSize: number): string {
  const params = new URLSearchParams(url.searchParams);
  params.set('page', String(page));
  params.set('pageSize', String(pageSize));
  return `${url.pathname}?${params.toString()}`;
}

export function paginate<T>(items: readonly T[], url: URL, { page, pageSize }: PageRequest) {
  const start = (page - 1) * pageSize;
  const hasNext = start + pageSize < items.length;
  return {
    data: items.slice(start, start + pageSize),
    meta: { page, pageSize },
    links: {
      self: pageLink(url, page, pageSize),
      first: pageLink(url, 1, pageSize),
      prev: page > 1 ? pageLink(url, page - 1, pageSize) : null,
      next: hasNext ? pageLink(url, page + 1, pageSize) : null,
    },
  };
}

/** The reply to a list call: the page of `items` the request's query asks for, at most `maxPageSize` long. */
export function listReply<T>(c: ApiContext, items: readonly T[], maxPageSize: number, url = new URL(c.req.url)) {
  return c.json(paginate(items, url, readPage(url, maxPageSize)));
}
