import { useState } from 'preact/hooks';
import { call, type WebhookDelivery, type WebhookEndpoint } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import {
  Head,
  Loading,
  PagedTable,
  PageTitle,
  ProblemNotice,
  StatusBadge,
  Time,
} from '../components/common';
import { field } from '../form';
import { href, type Route } from '../router';
import { useList } from '../use-list';
import { type Loaded, problemOf, useLoad } from '../use-load';
import type { Problem } from '../api';

/** The event types an endpoint may subscribe to (docs/webhooks.md). */
const EVENT_TYPES = [
  'operation.succeeded',
  'operation.failed',
  'operation.dead',
  'operation.outcome_uncertain',
  'invoice.created',
  'invoice.updated',
  'credit_note.created',
  'invoice_statuses.posted',
  'credit_memo_statuses.posted',
  'remittances.posted',
  'document.status_changed',
  'upstream.circuit_opened',
  'upstream.circuit_closed',
  'webhook.test',
];

const PATH = 'webhook-endpoints';
const API = '/v1/webhook-endpoints';

/** A signing secret, shown once: the gateway never answers it again. */
function SecretOnce({
  title,
  secret,
  onDone,
}: {
  title: string;
  secret: string;
  onDone: () => void;
}) {
  return (
    <section class="secret-once" aria-labelledby="secret-title" data-testid="secret-once">
      <h2 id="secret-title">{title}</h2>
      <p>Copy this signing secret now: it is shown once and cannot be read again.</p>
      <p>
        <code data-testid="secret-value">{secret}</code>
      </p>
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}

function CreateForm({
  onCreated,
}: {
  onCreated: (endpoint: WebhookEndpoint & { secret: string }) => void;
}) {
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const eventTypes = form.getAll('eventTypes').filter((v): v is string => typeof v === 'string');
    const description = field(form, 'description');
    setBusy(true);
    setProblem(undefined);
    try {
      const created = await call<WebhookEndpoint & { secret: string }>('POST', API, {
        url: field(form, 'url'),
        ...(eventTypes.length ? { eventTypes } : {}),
        ...(description ? { description } : {}),
      });
      formElement.reset();
      onCreated(created);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="create" onSubmit={(e) => void submit(e)} aria-labelledby="create-title">
      <h2 id="create-title">Add an endpoint</h2>
      <div class="field">
        <label for="f-url">URL</label>
        <input id="f-url" name="url" type="url" required maxLength={2048} />
      </div>
      <div class="field">
        <label for="f-description">Description</label>
        <input id="f-description" name="description" type="text" maxLength={500} />
      </div>
      <fieldset class="event-types">
        <legend>Event types (none ticked: every type)</legend>
        {EVENT_TYPES.map((type) => (
          <label key={type} class="check">
            <input type="checkbox" name="eventTypes" value={type} /> {type}
          </label>
        ))}
      </fieldset>
      <ProblemNotice problem={problem} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add endpoint'}
        </button>
      </div>
    </form>
  );
}

/**
 * Webhook endpoints (DESIGN.md section 12): the key's endpoints (every client's for an admin
 * key), one added with its secret shown once, a test event sent, the secret rotated.
 */
export function WebhookEndpointsPage() {
  const loaded = useLoad(() => call<{ items: WebhookEndpoint[] }>('GET', API), '');
  const [secret, setSecret] = useState<{ title: string; value: string }>();
  const [rotating, setRotating] = useState<WebhookEndpoint>();
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState<Problem>();

  async function sendTest(endpoint: WebhookEndpoint) {
    setProblem(undefined);
    try {
      const delivery = await call<WebhookDelivery>(
        'POST',
        `${API}/${encodeURIComponent(endpoint.id)}/test`,
      );
      setMessage(
        `Test event sent to ${endpoint.url}: delivery ${delivery.id} is ${delivery.status}.`,
      );
    } catch (error) {
      setProblem(problemOf(error));
    }
  }

  return (
    <>
      <PageTitle>Webhook endpoints</PageTitle>
      <p role="status" aria-live="polite" class="status-line" data-testid="webhooks-status">
        {message}
      </p>
      <ProblemNotice problem={problem} />
      {secret ? (
        <SecretOnce
          title={secret.title}
          secret={secret.value}
          onDone={() => setSecret(undefined)}
        />
      ) : null}
      <EndpointTable
        loaded={loaded}
        onTest={(e) => void sendTest(e)}
        onRotate={(e) => setRotating(e)}
      />
      <CreateForm
        onCreated={(created) => {
          setSecret({ title: `Endpoint added: ${created.url}`, value: created.secret });
          setMessage(`Endpoint ${created.id} added.`);
          loaded.reload();
        }}
      />
      {rotating ? (
        <ConfirmDialog
          title="Rotate this endpoint's secret?"
          confirmLabel="Rotate secret"
          onClose={() => setRotating(undefined)}
          onConfirm={async () => {
            const rotated = await call<WebhookEndpoint & { secret: string }>(
              'POST',
              `${API}/${encodeURIComponent(rotating.id)}/rotate-secret`,
            );
            setSecret({ title: `New secret for ${rotated.url}`, value: rotated.secret });
            setMessage(`The secret of ${rotated.id} is rotated.`);
            loaded.reload();
          }}
        >
          <p>
            A new signing secret for <strong>{rotating.url}</strong>, shown once. The previous one
            keeps signing beside it for 24 hours, so the receiver can switch over.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

function EndpointTable(props: {
  loaded: Loaded<{ items: WebhookEndpoint[] }>;
  onTest: (endpoint: WebhookEndpoint) => void;
  onRotate: (endpoint: WebhookEndpoint) => void;
}) {
  const { data, problem, loading } = props.loaded;
  return (
    <>
      <ProblemNotice problem={problem} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <table class="endpoints">
          <caption class="visually-hidden">Webhook endpoints</caption>
          <Head columns={['URL', 'Event types', 'State', 'Created', 'Actions']} />
          <tbody>
            {data.items.map((e) => (
              <tr key={e.id}>
                <td>
                  <a href={href(`${PATH}/${e.id}`)}>{e.url}</a>
                  {e.description ? <div class="muted">{e.description}</div> : null}
                </td>
                <td>{e.eventTypes.length ? e.eventTypes.join(', ') : 'every type'}</td>
                <td>
                  {e.disabled ? (
                    <>
                      <StatusBadge status="disabled" />
                      {e.disabledReason ? <div class="muted">{e.disabledReason}</div> : null}
                    </>
                  ) : (
                    <StatusBadge status="enabled" />
                  )}
                </td>
                <td>
                  <Time at={e.createdAt} />
                </td>
                <td>
                  <div class="actions">
                    <button
                      type="button"
                      aria-label={`Send test to ${e.url}`}
                      onClick={() => props.onTest(e)}
                    >
                      Send test
                    </button>
                    <button
                      type="button"
                      aria-label={`Rotate secret of ${e.url}`}
                      onClick={() => props.onRotate(e)}
                    >
                      Rotate secret
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {data?.items.length === 0 ? <p>No webhook endpoint yet.</p> : null}
    </>
  );
}

/** One endpoint's deliveries, newest first, each retried on demand. */
export function WebhookDeliveriesPage({ id, route }: { id: string; route: Route }) {
  const endpoint = useLoad(
    () => call<WebhookEndpoint>('GET', `${API}/${encodeURIComponent(id)}`),
    id,
  );
  const path = `${PATH}/${id}`;
  const { cursor, page } = useList<WebhookDelivery, never>(
    route,
    path,
    [],
    `${API}/${encodeURIComponent(id)}/deliveries`,
    25,
  );
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState<Problem>();

  async function retry(delivery: WebhookDelivery) {
    setProblem(undefined);
    try {
      const due = await call<WebhookDelivery>(
        'POST',
        `${API}/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(delivery.id)}/retry`,
      );
      setMessage(`Delivery ${due.id} is due now (${due.status}).`);
      page.reload();
    } catch (error) {
      setProblem(problemOf(error));
    }
  }

  return (
    <>
      <p>
        <a href={href(PATH)}>← Webhook endpoints</a>
      </p>
      <PageTitle>Deliveries to {endpoint.data?.url ?? id}</PageTitle>
      <ProblemNotice problem={endpoint.problem} />
      <p role="status" aria-live="polite" class="status-line" data-testid="deliveries-status">
        {message}
      </p>
      <ProblemNotice problem={problem} />
      <div class="actions">
        <button type="button" onClick={() => page.reload()}>
          Refresh
        </button>
      </div>
      <PagedTable
        loaded={page}
        caption="Deliveries"
        class="deliveries"
        columns={['Created', 'Event', 'Status', 'Attempts', 'Last answer', 'Delivered', 'Retry']}
        empty="No delivery to this endpoint yet."
        path={path}
        filters={{}}
        cursor={cursor}
        nextLabel="Older deliveries"
        row={(d) => (
          <tr key={d.id}>
            <td>
              <Time at={d.createdAt} />
            </td>
            <td>
              {d.eventType}
              <div class="muted">
                <code>{d.eventId}</code>
              </div>
            </td>
            <td>
              <StatusBadge status={d.status} />
            </td>
            <td>{d.attempts}</td>
            <td>
              {d.lastHttpStatus ?? '-'}
              {d.lastError ? <div class="muted">{d.lastError}</div> : null}
            </td>
            <td>
              <Time at={d.deliveredAt} />
            </td>
            <td>
              <button
                type="button"
                aria-label={`Retry delivery ${d.id}`}
                onClick={() => void retry(d)}
              >
                Retry
              </button>
            </td>
          </tr>
        )}
      />
    </>
  );
}
