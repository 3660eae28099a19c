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
