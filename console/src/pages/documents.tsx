import { call, type DocumentSummary, type DocumentTimeline } from '../api';
import {
  Choice,
  Loading,
  PageTitle,
  PagedTable,
  ProblemNotice,
  TextField,
  Time,
} from '../components/common';
import { href, type Route } from '../router';
import { useList } from '../use-list';
import { useLoad } from '../use-load';

const KINDS = ['invoice', 'credit_note', 'credit_memo', 'remittance_target'];
const PROVIDERS = ['dms', 'gep-smart', 'gep-quantum', 'delivery-solutions'];
const FILTERS = ['q', 'provider', 'kind'] as const;
const COLUMNS = ['Document', 'Kind', 'Provider', 'Party', 'Last status', 'Paid', 'Last change'];

/** The paid mark: when a remittance for the document was accepted. */
function Paid({ at }: { at: string | null }) {
  if (!at) return <span class="muted">not paid</span>;
  return (
    <span class="badge badge-paid" data-testid="paid-mark">
      paid <Time at={at} />
    </span>
  );
}

/** Search by reference, upstream number or party code; filters; cursor paging. */
export function DocumentsPage({ route }: { route: Route }) {
  const { filters, cursor, key, page, apply } = useList<DocumentSummary, (typeof FILTERS)[number]>(
    route,
    'documents',
    FILTERS,
    '/v1/documents',
    25,
  );

  return (
    <>
      <PageTitle>Documents</PageTitle>
      <form class="filters" onSubmit={apply} aria-label="Search documents" key={key}>
        <TextField
          name="q"
          label="Reference, upstream number or party code"
          value={filters.q}
          maxLength={200}
        />
        <Choice name="provider" label="Provider" options={PROVIDERS} value={filters.provider} />
        <Choice name="kind" label="Kind" options={KINDS} value={filters.kind} />
        <button type="submit" class="primary">
          Search
        </button>
      </form>
      <PagedTable
        loaded={page}
        caption="Documents, most recently changed first"
        class="documents"
        columns={COLUMNS}
        row={(d) => (
          <tr key={d.id}>
            <td>
              <a href={href(`documents/${d.id}`)}>{d.key}</a>
            </td>
            <td>{d.kind}</td>
            <td>{d.provider}</td>
            <td>{d.partyCode ?? '-'}</td>
            <td>{d.lastStatus ?? '-'}</td>
            <td>
              <Paid at={d.paidAt} />
            </td>
            <td>
              <Time at={d.updatedAt} />
            </td>
          </tr>
        )}
        empty="No document matches this search."
        path="documents"
        filters={filters}
        cursor={cursor}
        nextLabel="Older documents"
      />
    </>
  );
}

/** One document: its identifiers, the paid mark, and every change, oldest first. */
export function DocumentDetailPage({ id }: { id: string }) {
  const loaded = useLoad(
    () => call<DocumentTimeline>('GET', `/v1/documents/${encodeURIComponent(id)}/timeline`),
    id,
  );
  if (loaded.problem)
    return (
      <>
        <PageTitle>Document</PageTitle>
        <ProblemNotice problem={loaded.problem} />
      </>
    );
  if (!loaded.data) return <Loading />;
  const { document: d, changes } = loaded.data;
  const ids = Object.entries(d.providerIds);
  return (
    <>
      <PageTitle>
        {d.kind.replace('_', ' ')} {d.key} <Paid at={d.paidAt} />
      </PageTitle>
      <p>
        <a href={href('documents')}>All documents</a>
      </p>
      <dl class="facts">
        <div>
          <dt>provider</dt>
          <dd>{d.provider}</dd>
        </div>
        <div>
          <dt>connection</dt>
          <dd>{d.connection}</dd>
        </div>
        <div>
          <dt>party</dt>
          <dd>{d.partyCode ?? '-'}</dd>
        </div>
        <div>
          <dt>last status</dt>
          <dd data-testid="document-status">{d.lastStatus ?? '-'}</dd>
        </div>
        {ids.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <section aria-labelledby="changes-title">
        <h2 id="changes-title">Timeline</h2>
        <ol class="timeline" data-testid="document-timeline">
          {changes.map((c) => (
            <li key={c.id} class={`timeline-item change-${c.change}`}>
              <div class="timeline-head">
                <strong>{c.change.replace(/_/g, ' ')}</strong> <Time at={c.at} />
                {c.operationId ? (
                  <>
                    {' · '}
                    <a href={href(`operations/${c.operationId}`)}>operation</a>
                  </>
                ) : null}
                {c.inboundId ? <span class="muted"> · inbound {c.inboundId}</span> : null}
              </div>
              <div>{c.summary}</div>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
