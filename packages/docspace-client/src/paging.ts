/** One page of a DocSpace list: the items we keep and the server's own paging numbers. */
export interface Page<T> {
  items: T[];
  /** Entries in this page as the server counts them (files and folders). */
  count: number;
  total: number;
}

/** DocSpace's hard limit on `count` for list endpoints. */
export const MAX_PAGE_SIZE = 100;

/**
 * Reads every page: `startIndex` advances by what the server says it returned, until it reaches
 * `total`. An empty page ends the walk even if `total` says otherwise, so a server that miscounts
 * cannot keep us looping.
 */
export async function collectPages<T>(fetchPage: (startIndex: number) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let startIndex = 0;
  for (;;) {
    const page = await fetchPage(startIndex);
    all.push(...page.items);
    if (page.count <= 0) return all;
    startIndex += page.count;
    if (startIndex >= page.total) return all;
  }
}
