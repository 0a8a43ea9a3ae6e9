// Keyset paging over newest-first lists (patient history, content flags).
/**
 * Where a newest-first page ends: the last item shown, by createdAt and then _id, so that items
 * created in the same millisecond are neither skipped nor repeated across a page boundary.
 */
export interface PageCursor {
  readonly createdAt: Date;
  readonly id: string;
}

/** The filter for the items after `cursor` in (createdAt, _id) descending order. */
export function afterCursor(cursor: PageCursor | undefined): Record<string, unknown> {
  if (!cursor) return {};
  return {
    $or: [
      { createdAt: { $lt: cursor.createdAt } },
      { createdAt: cursor.createdAt, _id: { $lt: cursor.id } },
    ],
  };
}
