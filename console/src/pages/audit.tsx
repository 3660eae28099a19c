import { useState } from 'preact/hooks';
import { call, query, type AuditRow, type Page, type Problem, type VerifyResult } from '../api';
import {
  Choice,
  PageTitle,
  PagedTable,
  ProblemNotice,
  TextField,
  Time,
} from '../components/common';
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
const COLUMNS = ['At', 'Client', 'Direction', 'Operation', 'Call', 'Status', 'Outcome'];
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
        <TextField name="from" label="From" dateTime value={localOf(filters.from)} />
        <TextField name="to" label="To" dateTime value={localOf(filters.to)} />
        <TextField name="provider" label="Provider" value={filters.provider} />
        <TextField
          name="operation"
          label="Operation"
          value={filters.operation}
          placeholder="invoice.create"
        />
        <TextField name="outcome" label="Outcome" value={filters.outcome} placeholder="success" />
        <TextField name="reference" label="Reference" value={filters.reference} />
        <TextField name="requestId" label="Request id" value={filters.requestId} />
        <Choice
          name="direction"
          label="Direction"
          options={['inbound', 'outbound']}
          value={filters.direction}
          anyLabel="both"
        />
        <button type="submit" class="primary">
          Search
        </button>
      </form>
      <Verify filters={filters} />
      <PagedTable
        loaded={page}
        caption="Audit rows, newest first"
        columns={COLUMNS}
        row={(r) => (
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
        )}
        empty="No audit row matches these filters."
        path="audit"
        filters={filters}
        cursor={cursor}
        nextLabel="Older rows"
      />
    </>
  );
}
