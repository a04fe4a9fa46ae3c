/** Remembers the request list's filters, so "back to requests" returns to the same view. */
let lastSearch = '';

export const rememberListSearch = (search: string): void => {
  lastSearch = search;
};

export const requestListHref = (): string => (lastSearch ? `/requests?${lastSearch}` : '/requests');
