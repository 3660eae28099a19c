import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Page, Problem } from '../api';
import type { Loaded } from '../use-load';
import { href } from '../router';

/** A refused or failed call: the problem's detail, never a blank page. */
export function ProblemNotice({ problem }: { problem: Problem | undefined }) {
  if (!problem) return null;
  return (
    <div class="problem" role="alert">
      <strong>
        {problem.status ? `${problem.status} ` : ''}
        {problem.title}
      </strong>
      <p class="problem-detail">{problem.detail}</p>
      {problem.errors?.length ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.path}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {problem.requestId ? <p class="muted">Request id {problem.requestId}</p> : null}
    </div>
  );
}

/** The page's heading, focused when the page opens so screen readers announce it. */
export function PageTitle({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status.replace(/[^a-z_-]/g, '')}`}>{status}</span>;
}

export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span class="muted">-</span>;
  const date = new Date(at);
  return (
    <time dateTime={at} title={at}>
      {date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })}
    </time>
  );
}

export function Loading() {
  return (
    <p class="muted" role="status">
      Loading…
    </p>
  );
}

/** A labelled <select> whose first option ('' ) means "any". */
export function Choice(props: {
  name: string;
  label: string;
  options: readonly string[];
  value: string;
  anyLabel?: string;
}) {
  return (
    <div class="field">
      <label for={`f-${props.name}`}>{props.label}</label>
      <select id={`f-${props.name}`} name={props.name}>
        <option value="" selected={props.value === ''}>
          {props.anyLabel ?? 'any'}
        </option>
        {props.options.map((option) => (
          <option key={option} selected={props.value === option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A labelled text input, or a date-time one. */
export function TextField(props: {
  name: string;
  label: string;
  value: string;
  dateTime?: boolean;
  placeholder?: string;
  maxLength?: number;
}) {
  const id = `f-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.dateTime ? (
        <input id={id} name={props.name} type="datetime-local" defaultValue={props.value} />
      ) : (
        <input
          id={id}
          name={props.name}
          type="text"
          defaultValue={props.value}
          placeholder={props.placeholder}
          maxLength={props.maxLength}
        />
      )}
    </div>
  );
}

/** A table's header row. */
export function Head({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th scope="col" key={column}>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** First page and next (older) page links of a cursor-paged list at `path`. */
export function Pager(props: {
  path: string;
  filters: Record<string, string>;
  cursor: string;
  nextCursor: string | null;
  nextLabel: string;
}) {
  return (
    <nav class="pager" aria-label="Pages">
      {props.cursor ? <a href={href(props.path, props.filters)}>First page</a> : null}
      {props.nextCursor ? (
        <a href={href(props.path, { ...props.filters, cursor: props.nextCursor })}>
          {props.nextLabel}
        </a>
      ) : null}
    </nav>
  );
}

/**
 * A cursor-paged list's results: the refusal or the loading notice, the table (one `row` per
 * item), a line when nothing matches, and the pager.
 */
export function PagedTable<T>(props: {
  loaded: Loaded<Page<T>>;
  caption: string;
  class?: string;
  columns: readonly string[];
  row: (item: T) => ComponentChildren;
  empty: string;
  path: string;
  filters: Record<string, string>;
  cursor: string;
  nextLabel: string;
}) {
  const { data, problem, loading } = props.loaded;
  return (
    <>
      <ProblemNotice problem={problem} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <table class={props.class}>
            <caption class="visually-hidden">{props.caption}</caption>
            <Head columns={props.columns} />
            <tbody>{data.items.map(props.row)}</tbody>
          </table>
          {data.items.length === 0 ? <p>{props.empty}</p> : null}
          <Pager
            path={props.path}
            filters={props.filters}
            cursor={props.cursor}
            nextCursor={data.nextCursor}
            nextLabel={props.nextLabel}
          />
        </>
      ) : null}
    </>
  );
}
