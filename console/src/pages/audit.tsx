import { useState } from 'preact/hooks';
import { call, query, type AuditRow, type Page, type Problem, type VerifyResult } from '../api';
import { Loading, PageTitle, ProblemNotice, Time } from '../components/common';
import { go, href, type Route } from '../router';
import { field } from '../form';
import { problemOf, useLoad } from '../use-load';

const FILTERS = [
  'from',
  'to',
  'provider',
  'operation',
  'outcome',
  'reference',
  'requestId',
  'direction',
] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** A datetime-local value (the browser's zone) as ISO-8601 with a zone. */
function isoOf(local: string): string {
  return local ? new Date(local).toISOString() : '';
}

function localOf(iso: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function Verify({ filters }: { filters: Filters }) {
  const [result, setResult] = useState<VerifyResult>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  async function verify() {
    setBusy(true);
    setProblem(undefined);
    try {
      setResult(
        await call<VerifyResult>(
          'GET',
          `/v1/audit-logs/verify${query({ from: filters.from, to: filters.to })}`,
        ),
      );
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="verify-title">
      <h2 id="verify-title">Verify the hash chain</h2>
      <button type="button" onClick={() => void verify()} disabled={busy}>
        {busy ? 'Verifying…' : 'Verify'}
      </button>{' '}
      <a href={`/v1/audit-logs/export${query(filters)}`} download="audit-logs.ndjson">
        Export these rows (NDJSON)
      </a>
      <ProblemNotice problem={problem} />
      {result ? (
        <p role="status" data-testid="verify-result" class={result.ok ? 'ok' : 'bad'}>
          {result.ok ? 'Intact' : 'Broken'}: {result.rows} rows in {result.chains} chains checked,{' '}
          {result.breaks} breaks.
          {result.firstBreak ? ` First: ${result.firstBreak.reason}` : ''}
        </p>
      ) : null}
    </section>
  );
}

export function AuditPage({ route }: { route: Route }) {
  const filters = Object.fromEntries(FILTERS.map((f) => [f, route.params.get(f) ?? ''])) as Filters;
  const cursor = route.params.get('cursor') ?? '';
  const key = route.params.toString();
  const page = useLoad(
    () => call<Page<AuditRow>>('GET', `/v1/audit-logs${query({ ...filters, cursor, limit: 50 })}`),
    key,
  );

  function apply(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => field(form, name);
    go(
      'audit',
      Object.fromEntries(
        FILTERS.map((f) => [f, f === 'from' || f === 'to' ? isoOf(value(f)) : value(f)]),
      ),
    );
  }

  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <form class="filters" onSubmit={apply} aria-label="Filter the audit log" key={key}>
        <div class="field">
          <label for="f-from">From</label>
          <input
            type="datetime-local"
            id="f-from"
            name="from"
            defaultValue={localOf(filters.from)}
          />
        </div>
        <div class="field">
          <label for="f-to">To</label>
          <input type="datetime-local" id="f-to" name="to" defaultValue={localOf(filters.to)} />
        </div>
        <div class="field">
          <label for="f-provider">Provider</label>
          <input id="f-provider" name="provider" defaultValue={filters.provider} />
        </div>
        <div class="field">
          <label for="f-operation">Operation</label>
          <input
            id="f-operation"
            name="operation"
            defaultValue={filters.operation}
            placeholder="invoice.create"
          />
        </div>
        <div class="field">
          <label for="f-outcome">Outcome</label>
          <input
            id="f-outcome"
            name="outcome"
            defaultValue={filters.outcome}
            placeholder="success"
          />
        </div>
        <div class="field">
          <label for="f-reference">Reference</label>
          <input id="f-reference" name="reference" defaultValue={filters.reference} />
        </div>
        <div class="field">
          <label for="f-requestId">Request id</label>
          <input id="f-requestId" name="requestId" defaultValue={filters.requestId} />
        </div>
        <div class="field">
          <label for="f-direction">Direction</label>
          <select id="f-direction" name="direction">
            <option value="" selected={filters.direction === ''}>
              both
            </option>
            <option selected={filters.direction === 'inbound'}>inbound</option>
            <option selected={filters.direction === 'outbound'}>outbound</option>
          </select>
        </div>
        <button type="submit" class="primary">
          Search
        </button>
      </form>
      <Verify filters={filters} />
      <ProblemNotice problem={page.problem} />
      {page.loading && !page.data ? <Loading /> : null}
      {page.data ? (
        <>
          <table>
            <caption class="visually-hidden">Audit rows, newest first</caption>
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">Client</th>
                <th scope="col">Direction</th>
                <th scope="col">Operation</th>
                <th scope="col">Call</th>
                <th scope="col">Status</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Time at={r.at} />
                  </td>
                  <td>{r.clientName ?? '-'}</td>
                  <td>{r.direction}</td>
                  <td>
                    {r.operationId ? (
                      <a href={href(`operations/${r.operationId}`)}>{r.operation}</a>
                    ) : (
                      (r.operation ?? '-')
                    )}
                  </td>
                  <td>
                    {r.method} <code>{r.path}</code>
                  </td>
                  <td>{r.status ?? '-'}</td>
                  <td>
                    {r.outcome}
                    {r.errorCode ? ` (${r.errorCode})` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data.items.length === 0 ? <p>No audit row matches these filters.</p> : null}
          <nav class="pager" aria-label="Pages">
            {cursor ? <a href={href('audit', filters)}>First page</a> : null}
            {page.data.nextCursor ? (
              <a href={href('audit', { ...filters, cursor: page.data.nextCursor })}>Older rows</a>
            ) : null}
          </nav>
        </>
      ) : null}
    </>
  );
}
