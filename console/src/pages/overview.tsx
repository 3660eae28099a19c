import {
  call,
  can,
  type AuditHead,
  type OperationStats,
  type Provider,
  type Session,
} from '../api';
import { OperationsChart } from '../components/chart';
import { Head, Loading, PageTitle, ProblemNotice, Time } from '../components/common';
import { href } from '../router';
import { useLoad } from '../use-load';

function age(seconds: number | null): string {
  if (seconds === null) return 'none due';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function Providers() {
  const providers = useLoad(() => call<{ items: Provider[] }>('GET', '/v1/providers'), 'providers');
  return (
    <section aria-labelledby="providers-title">
      <h2 id="providers-title">Providers</h2>
      <ProblemNotice problem={providers.problem} />
      {providers.data ? (
        <table>
          <Head columns={['Provider', 'Mode', 'Circuit', 'Last health probe']} />
          <tbody>
            {providers.data.items.map((p) => (
              <tr key={p.id}>
                <td>
                  {p.name} <code>{p.id}</code>
                </td>
                <td>{p.mode}</td>
                <td>
                  <span class={`badge circuit-${p.circuit}`}>{p.circuit}</span>
                </td>
                <td>
                  {p.lastHealth ? (
                    <>
                      {p.lastHealth.reachable ? 'reachable' : 'unreachable'} (
                      {p.lastHealth.latencyMs} ms, <Time at={p.lastHealth.checkedAt} />)
                      {p.lastHealth.error ? <div class="muted">{p.lastHealth.error}</div> : null}
                    </>
                  ) : (
                    <span class="muted">not probed yet</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : providers.loading ? (
        <Loading />
      ) : null}
    </section>
  );
}

function Operations() {
  const since = new Date(Date.now() - 24 * 3_600_000).toISOString();
  const stats = useLoad(
    () =>
      call<OperationStats>(
        'GET',
        `/v1/stats/operations?since=${encodeURIComponent(since)}&bucket=hour`,
      ),
    'stats',
  );
  if (stats.problem) return <ProblemNotice problem={stats.problem} />;
  if (!stats.data) return <Loading />;
  const s = stats.data;
  return (
    <>
      <section aria-labelledby="attention-title">
        <h2 id="attention-title">Needs attention</h2>
        <div class="cards">
          <a class="card card-dead" href={href('operations', { status: 'dead' })}>
            <span class="card-number" data-testid="dead-count">
              {s.attention.dead}
            </span>
            <span>dead operations</span>
          </a>
          <a
            class="card card-uncertain"
            href={href('operations', { status: 'failed', errorCode: 'outcome_uncertain' })}
          >
            <span class="card-number" data-testid="uncertain-count">
              {s.attention.outcomeUncertain}
            </span>
            <span>outcome uncertain</span>
          </a>
        </div>
      </section>
      <section aria-labelledby="queue-title">
        <h2 id="queue-title">Queue</h2>
        <dl class="facts">
          <div>
            <dt>queued</dt>
            <dd data-testid="queued-count">{s.queue.queued}</dd>
          </div>
          <div>
            <dt>running</dt>
            <dd>{s.queue.running}</dd>
          </div>
          <div>
            <dt>oldest due waited</dt>
            <dd>{age(s.queue.oldestDueAgeSeconds)}</dd>
          </div>
        </dl>
        {s.queue.byProvider.length ? (
          <p class="muted">
            {s.queue.byProvider
              .map((p) => `${p.provider}: ${p.queued} queued, ${p.running} running`)
              .join(' · ')}
          </p>
        ) : null}
      </section>
      <section aria-labelledby="chart-title">
        <h2 id="chart-title">Operations, last 24 hours</h2>
        <p>
          {s.totals.total} accepted: {s.totals.byStatus.succeeded} succeeded,{' '}
          {s.totals.byStatus.failed} failed, {s.totals.byStatus.dead} dead,{' '}
          {s.totals.byStatus.queued + s.totals.byStatus.running} in progress.
        </p>
        <OperationsChart stats={s} />
      </section>
    </>
  );
}

/** The audit chains' newest rows and the last walk of the chains (GET /v1/audit-logs/head). */
function AuditChain() {
  const head = useLoad(() => call<AuditHead>('GET', '/v1/audit-logs/head'), 'audit-head');
  if (head.problem) return <ProblemNotice problem={head.problem} />;
  if (!head.data) return <Loading />;
  const { heads, lastVerification: last } = head.data;
  const newest = [...heads].sort((a, b) => b.at.localeCompare(a.at))[0];
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit chain</h2>
      <dl class="facts">
        <div>
          <dt>chains</dt>
          <dd>{heads.length}</dd>
        </div>
        <div>
          <dt>newest head</dt>
          <dd data-testid="audit-head">
            {newest ? (
              <>
                seq {newest.seq} · <span class="hash">{newest.hash.slice(0, 16)}…</span> ·{' '}
                <Time at={newest.at} />
              </>
            ) : (
              'no row yet'
            )}
          </dd>
        </div>
        <div>
          <dt>last verification</dt>
          <dd data-testid="audit-last-verification">
            {last ? (
              <>
                <span class={last.ok ? 'ok' : 'bad'}>
                  {last.ok ? 'intact' : `${last.breaks} break(s)`}
                </span>{' '}
                · {last.rows} rows{last.from || last.to ? ' (a time range)' : ''} ·{' '}
                <Time at={last.at} />
              </>
            ) : (
              'never verified'
            )}
          </dd>
        </div>
      </dl>
      <p>
        <a href={href('audit')}>Query, verify and export the audit log</a>
      </p>
    </section>
  );
}

export function OverviewPage({ session }: { session: Session }) {
  return (
    <>
      <PageTitle>Overview</PageTitle>
      {can(session, 'operations:read') ? <Operations /> : null}
      <Providers />
      {can(session, 'audit:read') ? <AuditChain /> : null}
    </>
  );
}
