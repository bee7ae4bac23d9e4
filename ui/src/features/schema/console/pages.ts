/** Rows come from the core by page; the grid asks for the pages its visible rows fall in. */
export const PAGE_SIZE = 500;

/** The pages that rows `first..=last` fall in. */
export function pagesFor(first: number, last: number, pageSize = PAGE_SIZE): number[] {
  if (last < first) return [];
  const pages: number[] = [];
  for (let page = Math.floor(first / pageSize); page <= Math.floor(last / pageSize); page++) pages.push(page);
  return pages;
}

/** A cell as the grid shows it: SQL NULL is not the empty string. */
export function cellText(value: string | null): { text: string; isNull: boolean } {
  return value === null ? { text: "NULL", isNull: true } : { text: value, isNull: false };
}

/** Numbers line up on the right, as every database client shows them. */
export function isNumeric(typeName: string): boolean {
  return /^(int|integer|bigint|smallint|tinyint|mediumint|int[248]|float[48]?|double|real|numeric|decimal|oid)/i.test(typeName);
}
