import type { Operation } from '../api';
import { Choice, PageTitle, PagedTable, StatusBadge, TextField, Time } from '../components/common';
import { href, type Route } from '../router';
import { useList } from '../use-list';

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
const COLUMNS = ['Accepted', 'Kind', 'Provider', 'Reference', 'Status', 'Attempts', 'Last error'];
const FILTERS = ['status', 'kind', 'provider', 'reference', 'errorCode'] as const;

export function OperationsPage({ route }: { route: Route }) {
  const { filters, cursor, key, page, apply } = useList<Operation, (typeof FILTERS)[number]>(
    route,
    'operations',
    FILTERS,
    '/v1/operations',
    25,
  );

  return (
    <>
      <PageTitle>Operations</PageTitle>
      <form class="filters" onSubmit={apply} aria-label="Filter operations" key={key}>
        <Choice name="status" label="Status" options={STATUSES} value={filters.status} />
        <Choice name="kind" label="Kind" options={KINDS} value={filters.kind} />
        <Choice name="provider" label="Provider" options={PROVIDERS} value={filters.provider} />
        <TextField name="reference" label="Reference" value={filters.reference} maxLength={255} />
        <TextField
          name="errorCode"
          label="Error code"
          value={filters.errorCode}
          placeholder="outcome_uncertain"
          maxLength={60}
        />
        <button type="submit" class="primary">
          Filter
        </button>
      </form>
      <PagedTable
        loaded={page}
        caption="Operations, newest first"
        class="operations"
        columns={COLUMNS}
        row={(op) => (
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
        )}
        empty="No operation matches these filters."
        path="operations"
        filters={filters}
        cursor={cursor}
        nextLabel="Older operations"
      />
    </>
  );
}
