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
        <label>
          From
          <input type="datetime-local" name="from" defaultValue={localOf(filters.from)} />
        </label>
        <label>
          To
          <input type="datetime-local" name="to" defaultValue={localOf(filters.to)} />
        </label>
        <label>
          Provider
          <input name="provider" defaultValue={filters.provider} />
        </label>
        <label>
          Operation
          <input name="operation" defaultValue={filters.operation} placeholder="invoice.create" />
        </label>
        <label>
          Outcome
          <input name="outcome" defaultValue={filters.outcome} placeholder="success" />
        </label>
        <label>
          Reference
          <input name="reference" defaultValue={filters.reference} />
        </label>
        <label>
          Request id
          <input name="requestId" defaultValue={filters.requestId} />
        </label>
        <label>
          Direction
          <select name="direction" defaultValue={filters.direction}>
            <option value="">both</option>
            <option>inbound</option>
            <option>outbound</option>
          </select>
        </label>
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
