/**
 * JSON:API building blocks for replies (docs/kustomer.md §6): a relationship is `{data:{type,id}, links?:{self}}`, a resource
 * carries `links.self` as a relative path.
 */

export interface Rel {
  data?: { type: string; id: string } | { type: string; id: string }[] | null;
  links?: { self: string };
}

export function rel(type: string, id: string | null, self?: string): Rel {
  return { data: id === null ? null : { type, id }, ...(self ? { links: { self } } : {}) };
}

export const linksOnly = (self: string): Rel => ({ links: { self } });

export interface ResourceObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, Rel>;
  links?: { self: string };
}
