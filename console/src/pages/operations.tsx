import { call, query, type Operation, type Page } from '../api';
import { Loading, PageTitle, ProblemNotice, StatusBadge, Time } from '../components/common';
import { go, href, type Route } from '../router';
import { field } from '../form';
import { useLoad } from '../use-load';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'dead'];
const KINDS = [
  'invoice.create',
  'invoice.update',
  'credit-note.create',
  'invoice-status.post',
  'credit-memo-status.post',
  'remittance.post',
];
const PROVIDERS = ['dms', 'gep-smart', 'gep-quantum', 'delivery-solutions'];
const FILTERS = ['status', 'kind', 'provider', 'reference', 'errorCode'] as const;

export function OperationsPage({ route }: { route: Route }) {
  const filters = Object.fromEntries(FILTERS.map((f) => [f, route.params.get(f) ?? ''])) as Record<
    (typeof FILTERS)[number],
    string
  >;
  const cursor = route.params.get('cursor') ?? '';
  const key = route.params.toString();
  const page = useLoad(
    () => call<Page<Operation>>('GET', `/v1/operations${query({ ...filters, cursor, limit: 25 })}`),
    key,
  );

  function apply(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    go('operations', Object.fromEntries(FILTERS.map((f) => [f, field(form, f)])));
  }

  return (
    <>
      <PageTitle>Operations</PageTitle>
      <form class="filters" onSubmit={apply} aria-label="Filter operations" key={key}>
        <div class="field">
          <label for="f-status">Status</label>
          <select id="f-status" name="status">
            <option value="" selected={filters.status === ''}>
              any
            </option>
            {STATUSES.map((s) => (
              <option key={s} selected={filters.status === s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-kind">Kind</label>
          <select id="f-kind" name="kind">
            <option value="" selected={filters.kind === ''}>
              any
            </option>
            {KINDS.map((k) => (
              <option key={k} selected={filters.kind === k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-provider">Provider</label>
          <select id="f-provider" name="provider">
            <option value="" selected={filters.provider === ''}>
              any
            </option>
            {PROVIDERS.map((p) => (
              <option key={p} selected={filters.provider === p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-reference">Reference</label>
          <input
            id="f-reference"
            name="reference"
            defaultValue={filters.reference}
            maxLength={255}
          />
        </div>
        <div class="field">
          <label for="f-errorCode">Error code</label>
          <input
            id="f-errorCode"
            name="errorCode"
            defaultValue={filters.errorCode}
            placeholder="outcome_uncertain"
            maxLength={60}
          />
        </div>
        <button type="submit" class="primary">
          Filter
        </button>
      </form>
      <ProblemNotice problem={page.problem} />
      {page.loading && !page.data ? <Loading /> : null}
      {page.data ? (
        <>
          <table class="operations">
            <caption class="visually-hidden">Operations, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Accepted</th>
                <th scope="col">Kind</th>
                <th scope="col">Provider</th>
                <th scope="col">Reference</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((op) => (
                <tr key={op.id}>
                  <td>
                    <a href={href(`operations/${op.id}`)}>
                      <Time at={op.createdAt} />
                    </a>
                  </td>
                  <td>{op.kind}</td>
                  <td>{op.provider ?? '-'}</td>
                  <td>{op.reference ?? '-'}</td>
                  <td>
                    <StatusBadge status={op.status} />
                  </td>
                  <td>{op.attempts}</td>
                  <td>{op.lastError?.code ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data.items.length === 0 ? <p>No operation matches these filters.</p> : null}
          <nav class="pager" aria-label="Pages">
            {cursor ? <a href={href('operations', filters)}>First page</a> : null}
            {page.data.nextCursor ? (
              <a href={href('operations', { ...filters, cursor: page.data.nextCursor })}>
                Older operations
              </a>
            ) : null}
          </nav>
        </>
      ) : null}
    </>
  );
}
