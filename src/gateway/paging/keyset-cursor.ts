import { validationProblem } from '../../problem/problem';

/**
 * A keyset cursor: the (time to the millisecond, id) of the last row of a page, tagged with the
 * list it belongs to, base64url-encoded. Opaque to callers.
 */
export function encodeCursor(tag: string, at: Date, id: string): string {
  return Buffer.from(`${tag}:${at.toISOString()},${id}`).toString('base64url');
}

/** The position a cursor of `tag` names; a 400 naming `cursor` for anything else. */
export function decodeCursor(tag: string, cursor: string): { at: Date; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\w+):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z),([0-9a-f-]{36})$/.exec(text);
  const at = match && match[1] === tag ? new Date(match[2]) : undefined;
  if (!match || !at || Number.isNaN(at.getTime())) {
    throw validationProblem(
      [
        {
          path: 'cursor',
          code: 'invalidCursor',
          message: 'cursor must be a nextCursor value from a previous page',
        },
      ],
      'query',
    );
  }
  return { at, id: match[3] };
}

/**
 * A page of a keyset-paged list from `limit + 1` rows: the first `limit` as views, and the
 * cursor of the last when more follow.
 */
export function keysetPage<R extends { id: string }, V>(
  rows: R[],
  limit: number,
  view: (row: R) => V,
  cursor: { tag: string; at: (row: R) => Date },
): { items: V[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(view),
    nextCursor:
      rows.length > limit && last ? encodeCursor(cursor.tag, cursor.at(last), last.id) : null,
  };
}
