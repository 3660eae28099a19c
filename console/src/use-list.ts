import { call, query, type Page } from './api';
import { field } from './form';
import { go, type Route } from './router';
import { type Loaded, useLoad } from './use-load';

/**
 * A filtered, cursor-paged list page: its filters and cursor from the route, the page of `api`
 * loaded for them, and the filter form's submit (which puts the filters in the route).
 */
export function useList<T, F extends string>(
  route: Route,
  path: string,
  names: readonly F[],
  api: string,
  limit: number,
): {
  filters: Record<F, string>;
  cursor: string;
  key: string;
  page: Loaded<Page<T>>;
  apply: (event: Event) => void;
} {
  const filters = Object.fromEntries(names.map((f) => [f, route.params.get(f) ?? ''])) as Record<
    F,
    string
  >;
  const cursor = route.params.get('cursor') ?? '';
  const key = route.params.toString();
  const page = useLoad(
    () => call<Page<T>>('GET', `${api}${query({ ...filters, cursor, limit })}`),
    key,
  );
  const apply = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    go(path, Object.fromEntries(names.map((f) => [f, field(form, f)])));
  };
  return { filters, cursor, key, page, apply };
}
