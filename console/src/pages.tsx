import type { JSX } from 'preact';
import type { Session } from './api';
import { AuditPage } from './pages/audit';
import { ConnectionsPage } from './pages/connections';
import { DocumentDetailPage, DocumentsPage } from './pages/documents';
import { OperationDetailPage } from './pages/operation-detail';
import { OperationsPage } from './pages/operations';
import { OverviewPage } from './pages/overview';
import { WebhookDeliveriesPage, WebhookEndpointsPage } from './pages/webhooks';
import type { Route } from './router';

/**
 * The navigation's groups, in order. A group shows only when it has a page the key may use, so
 * an empty group leaves no dead link (`configure` holds the connections and webhook endpoints
 * pages, DESIGN.md sections 11 and 12).
 */
export const GROUPS = [
  { id: 'watch', label: 'Watch' },
  { id: 'evidence', label: 'Evidence' },
  { id: 'configure', label: 'Configure' },
] as const;

export interface ConsolePage {
  /** The first segment of the page's hash (`#/<path>/<id>?...`). */
  path: string;
  label: string;
  group: (typeof GROUPS)[number]['id'];
  /** The scope the page needs to be offered (absent: every signed-in key). */
  scope?: string;
  /** The page; `id` is the second hash segment (one item of the list), when present. */
  render(props: { route: Route; session: Session; id: string | undefined }): JSX.Element;
}

/** Every page of the console: the navigation and the router both read this list. */
export const PAGES: readonly ConsolePage[] = [
  {
    path: 'overview',
    label: 'Overview',
    group: 'watch',
    render: ({ session }) => <OverviewPage session={session} />,
  },
  {
    path: 'operations',
    label: 'Operations',
    group: 'watch',
    scope: 'operations:read',
    render: ({ route, session, id }) =>
      id ? (
        <OperationDetailPage id={id} session={session} key={id} />
      ) : (
        <OperationsPage route={route} />
      ),
  },
  {
    path: 'documents',
    label: 'Documents',
    group: 'watch',
    scope: 'operations:read',
    render: ({ route, id }) =>
      id ? <DocumentDetailPage id={id} key={id} /> : <DocumentsPage route={route} />,
  },
  {
    path: 'audit',
    label: 'Audit log',
    group: 'evidence',
    scope: 'audit:read',
    render: ({ route }) => <AuditPage route={route} />,
  },
  {
    path: 'connections',
    label: 'Connections',
    group: 'configure',
    scope: 'connections:manage',
    render: () => <ConnectionsPage />,
  },
  {
    path: 'webhook-endpoints',
    label: 'Webhook endpoints',
    group: 'configure',
    scope: 'webhooks:manage',
    render: ({ route, id }) =>
      id ? <WebhookDeliveriesPage id={id} route={route} key={id} /> : <WebhookEndpointsPage />,
  },
];
