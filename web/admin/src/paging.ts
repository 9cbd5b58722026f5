// Cursor paging: the API only goes forward, so the cursors of the pages seen are kept to go back.

export interface Pages {
  cursors: Array<string | null>; // cursors[i] opens page i; page 0 opens with none
  index: number;
}

export const FIRST: Pages = { cursors: [null], index: 0 };

export function currentCursor(pages: Pages): string | null {
  return pages.cursors[pages.index] ?? null;
}

export function next(pages: Pages, nextCursor: string | null): Pages {
  if (nextCursor === null) return pages;
  const cursors = [...pages.cursors.slice(0, pages.index + 1), nextCursor];
  return { cursors, index: pages.index + 1 };
}

export function previous(pages: Pages): Pages {
  return pages.index === 0 ? pages : { ...pages, index: pages.index - 1 };
}
