import { useEffect, useRef, useState } from 'preact/hooks';
import { call, can, query, type AuditRow, type Operation, type Page, type Session } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Head, Loading, PageTitle, ProblemNotice, StatusBadge, Time } from '../components/common';
import { href } from '../router';
import { field } from '../form';
import { useLoad } from '../use-load';

const SETTLING = new Set(['queued', 'running']);
const RESOLVABLE = new Set(['invoice.create', 'credit-note.create']);

function Exchanges({ op }: { op: Operation }) {
  const rows = useLoad(
    () =>
      call<Page<AuditRow>>(
        'GET',
        `/v1/audit-logs${query({ requestId: op.requestId ?? undefined, direction: 'outbound', limit: 50 })}`,
      ),
    `${op.id}:${op.attempts}`,
  );
  return (
    <section aria-labelledby="exchanges-title">
      <h2 id="exchanges-title">Upstream exchanges</h2>
      <p class="muted">
        From the audit log (request <code>{op.requestId}</code>), bodies redacted.{' '}
        <a href={href('audit', { requestId: op.requestId ?? undefined })}>Open in the audit log</a>
      </p>
      <ProblemNotice problem={rows.problem} />
      {rows.data?.items.length ? (
        <table>
          <Head columns={['At', 'Call', 'Status', 'Outcome', 'ms']} />
          <tbody>
            {rows.data.items.map((r) => (
              <tr key={r.id}>
                <td>
                  <Time at={r.at} />
                </td>
                <td>
                  {r.method} <code>{r.path}</code>
                </td>
                <td>{r.status ?? '-'}</td>
                <td>{r.outcome}</td>
                <td>{r.durationMs ?? '-'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : rows.data ? (
        <p>No upstream call recorded for this request.</p>
      ) : null}
    </section>
  );
}

export function OperationDetailPage({ id, session }: { id: string; session: Session }) {
  const loaded = useLoad(
    () => call<Operation>('GET', `/v1/operations/${encodeURIComponent(id)}`),
    id,
  );
  const [op, setOp] = useState<Operation>();
  const [dialog, setDialog] = useState<'replay' | 'resolve'>();
  const [message, setMessage] = useState('');
  const polling = useRef<number | undefined>(undefined);

  useEffect(() => setOp(loaded.data), [loaded.data]);
  useEffect(() => () => window.clearTimeout(polling.current), []);

  /** Follows a queued operation until it settles (or 60 s pass). */
  function follow(current: Operation, started = Date.now()) {
    setOp(current);
    if (!SETTLING.has(current.status)) {
      setMessage(`The operation is now ${current.status}.`);
      return;
    }
    setMessage(`The operation is ${current.status}…`);
    if (Date.now() - started > 60_000) return;
    polling.current = window.setTimeout(() => {
      call<Operation>('GET', `/v1/operations/${encodeURIComponent(id)}`)
        .then((next) => follow(next, started))
        .catch(() => setMessage('Could not refresh the operation; reload the page.'));
    }, 1000);
  }

  if (loaded.problem) {
    return (
      <>
        <PageTitle>Operation</PageTitle>
        <ProblemNotice problem={loaded.problem} />
      </>
    );
  }
  if (!op) return <Loading />;
  const mayAct =
    can(session, 'operations:replay') && (op.status === 'failed' || op.status === 'dead');

  return (
    <>
      <p>
        <a href={href('operations')}>← Operations</a>
      </p>
      <PageTitle>
        {op.kind} <StatusBadge status={op.status} />
      </PageTitle>
      <p role="status" aria-live="polite" class="status-line" data-testid="operation-status-line">
        {message}
      </p>
      {mayAct ? (
        <div class="actions">
          <button type="button" class="primary" onClick={() => setDialog('replay')}>
            Replay
          </button>
          {RESOLVABLE.has(op.kind) ? (
            <button type="button" onClick={() => setDialog('resolve')}>
              Resolve
            </button>
          ) : null}
        </div>
      ) : null}
      <dl class="facts">
        <div>
          <dt>id</dt>
          <dd>
            <code>{op.id}</code>
          </dd>
        </div>
        <div>
          <dt>provider</dt>
          <dd>{op.provider ?? '-'}</dd>
        </div>
        <div>
          <dt>reference</dt>
          <dd>{op.reference ?? '-'}</dd>
        </div>
        <div>
          <dt>attempts</dt>
          <dd>{op.attempts}</dd>
        </div>
        <div>
          <dt>accepted</dt>
          <dd>
            <Time at={op.createdAt} />
          </dd>
        </div>
        <div>
          <dt>completed</dt>
          <dd>
            <Time at={op.completedAt} />
          </dd>
        </div>
        {op.nextAttemptAt ? (
          <div>
            <dt>next attempt</dt>
            <dd>
              <Time at={op.nextAttemptAt} />
            </dd>
          </div>
        ) : null}
      </dl>
      {op.lastError ? (
        <section aria-labelledby="error-title">
          <h2 id="error-title">Last error</h2>
          <p>
            <code>{op.lastError.code}</code> {op.lastError.detail}
          </p>
        </section>
      ) : null}
      {op.resolution ? (
        <section aria-labelledby="resolution-title">
          <h2 id="resolution-title">Resolution</h2>
          <p>
            Resolved by {op.resolution.by} (<Time at={op.resolution.at} />
            ): {op.resolution.note}
          </p>
        </section>
      ) : null}
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Attempts</h2>
        {op.history.length ? (
          <ol class="timeline">
            {op.history.map((a) => (
              <li key={`${a.attempt}-${a.at}`} class={`timeline-item outcome-${a.outcome}`}>
                <div class="timeline-head">
                  Attempt {a.attempt}: <StatusBadge status={a.outcome} /> <Time at={a.at} /> ·{' '}
                  {a.durationMs} ms
                  {a.httpStatus ? ` · HTTP ${a.httpStatus}` : ''}
                </div>
                {a.code || a.message ? (
                  <div>
                    {a.code ? <code>{a.code}</code> : null} {a.message}
                  </div>
                ) : null}
                {a.outcomeUnknown ? (
                  <div class="muted">The upstream may hold what this attempt sent.</div>
                ) : null}
                {a.sent !== undefined ? (
                  <div class="muted">
                    Batch items sent {a.sent}, settled {a.settled ?? 0}
                  </div>
                ) : null}
              </li>
            ))}
          </ol>
        ) : (
          <p>No attempt yet.</p>
        )}
      </section>
      {can(session, 'audit:read') && op.requestId ? <Exchanges op={op} /> : null}
      {op.result ? (
        <details>
          <summary>Result</summary>
          <pre>{JSON.stringify(op.result, null, 2)}</pre>
        </details>
      ) : null}
      {dialog === 'replay' ? (
        <ConfirmDialog
          title="Replay this operation?"
          confirmLabel="Replay"
          onClose={() => setDialog(undefined)}
          onConfirm={async () => {
            const queued = await call<Operation>(
              'POST',
              `/v1/operations/${encodeURIComponent(op.id)}/replay`,
            );
            follow(queued);
          }}
        >
          <p>
            The {op.kind} for <strong>{op.reference ?? op.id}</strong> is queued again: a new series
            of attempts; the history keeps the old ones.
          </p>
        </ConfirmDialog>
      ) : null}
      {dialog === 'resolve' ? (
        <ConfirmDialog
          title="Resolve this operation?"
          confirmLabel="Resolve"
          onClose={() => setDialog(undefined)}
          onConfirm={async (form) => {
            const text = (name: string) => field(form, name) || undefined;
            const resolved = await call<Operation>(
              'POST',
              `/v1/operations/${encodeURIComponent(op.id)}/resolve`,
              {
                note: text('note') ?? '',
                providerInvoiceId: text('providerInvoiceId'),
                providerDocumentNumber: text('providerDocumentNumber'),
                providerCreditNoteId: text('providerCreditNoteId'),
              },
            );
            follow(resolved);
          }}
        >
          <p>
            Record the outcome settled outside the gateway; the ledger row is written with these
            identifiers.
          </p>
          <div class="field">
            <label for="f-note">Note (required)</label>
            <textarea id="f-note" name="note" required maxLength={1000} rows={3} />
          </div>
          {op.kind === 'invoice.create' ? (
            <>
              <div class="field">
                <label for="f-providerInvoiceId">Provider invoice id</label>
                <input id="f-providerInvoiceId" name="providerInvoiceId" maxLength={100} />
              </div>
              <div class="field">
                <label for="f-providerDocumentNumber">Provider document number</label>
                <input
                  id="f-providerDocumentNumber"
                  name="providerDocumentNumber"
                  maxLength={100}
                />
              </div>
            </>
          ) : (
            <div class="field">
              <label for="f-providerCreditNoteId">Provider credit note id</label>
              <input id="f-providerCreditNoteId" name="providerCreditNoteId" maxLength={100} />
            </div>
          )}
        </ConfirmDialog>
      ) : null}
    </>
  );
}
