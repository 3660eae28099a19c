import { useState } from 'preact/hooks';
import { ApiError, call, type Connection, type Problem } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Head, Loading, PageTitle, ProblemNotice, StatusBadge } from '../components/common';
import { field } from '../form';
import { problemOf, useLoad } from '../use-load';

const COLUMNS = [
  'Name',
  'Provider',
  'Source',
  'Default',
  'Enabled',
  'Mode',
  'Secrets set',
  'Actions',
];

type TestResult = { ok: true; latencyMs: number } | { ok: false; problem: Problem };

/** One connection's last test: ok with the latency, or the problem's detail. */
function TestOutcome({ result }: { result: TestResult | undefined }) {
  if (!result) return null;
  if (result.ok) {
    return <span class="test-ok">ok, {result.latencyMs} ms</span>;
  }
  return (
    <span class="test-failed">
      {result.problem.status ? `${result.problem.status}: ` : ''}
      {result.problem.detail}
    </span>
  );
}

/**
 * Connections (DESIGN.md section 11): every connection with its source, state and which secrets
 * are set (never their values); a test of its credentials; a stored one's secrets rotated.
 */
export function ConnectionsPage() {
  const loaded = useLoad(() => call<{ items: Connection[] }>('GET', '/v1/connections'), '');
  const [results, setResults] = useState<Record<string, TestResult>>({});
  const [testing, setTesting] = useState<string>();
  const [rotating, setRotating] = useState<Connection>();
  const [message, setMessage] = useState('');

  async function test(name: string) {
    setTesting(name);
    try {
      const answer = await call<{ ok: true; latencyMs: number }>(
        'POST',
        `/v1/connections/${encodeURIComponent(name)}/test`,
      );
      setResults((r) => ({ ...r, [name]: answer }));
      setMessage(`Connection ${name}: ok, ${answer.latencyMs} ms.`);
    } catch (error) {
      const problem = problemOf(error);
      setResults((r) => ({ ...r, [name]: { ok: false, problem } }));
      setMessage(`Connection ${name}: ${problem.detail}`);
    } finally {
      setTesting(undefined);
    }
  }

  const { data, problem, loading } = loaded;
  return (
    <>
      <PageTitle>Connections</PageTitle>
      <p class="muted">
        Environment connections are named after their provider and read-only here; stored ones can
        have their secrets rotated. Secret values are never shown.
      </p>
      <p role="status" aria-live="polite" class="status-line" data-testid="connections-status">
        {message}
      </p>
      <ProblemNotice problem={problem} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <table class="connections">
          <caption class="visually-hidden">Connections</caption>
          <Head columns={COLUMNS} />
          <tbody>
            {data.items.map((c) => (
              <tr key={c.name} data-connection={c.name}>
                <td>
                  <code>{c.name}</code>
                </td>
                <td>{c.provider}</td>
                <td>{c.source}</td>
                <td>{c.isDefault ? 'yes' : 'no'}</td>
                <td>{c.enabled ? 'yes' : 'no'}</td>
                <td>
                  <StatusBadge status={c.mode} />
                  {c.error ? <div class="muted">{c.error}</div> : null}
                </td>
                <td>{c.secretFields.length ? c.secretFields.join(', ') : '-'}</td>
                <td>
                  <div class="actions">
                    <button
                      type="button"
                      disabled={testing === c.name}
                      aria-label={`Test ${c.name}`}
                      onClick={() => void test(c.name)}
                    >
                      {testing === c.name ? 'Testing…' : 'Test'}
                    </button>
                    {c.source === 'stored' && c.secretFields.length ? (
                      <button
                        type="button"
                        aria-label={`Rotate secrets of ${c.name}`}
                        onClick={() => setRotating(c)}
                      >
                        Rotate secrets
                      </button>
                    ) : null}
                  </div>
                  <TestOutcome result={results[c.name]} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {data?.items.length === 0 ? <p>No connection is configured.</p> : null}
      {rotating ? (
        <ConfirmDialog
          title={`Rotate secrets of ${rotating.name}?`}
          confirmLabel="Rotate"
          onClose={() => setRotating(undefined)}
          onConfirm={async (form) => {
            const secrets: Record<string, string> = {};
            for (const name of rotating.secretFields) {
              const value = field(form, name);
              if (value) secrets[name] = value;
            }
            if (Object.keys(secrets).length === 0) {
              throw new ApiError({
                status: 0,
                title: 'Nothing to rotate',
                detail: 'Enter at least one new secret value',
                code: 'invalid',
              });
            }
            const changed = await call<Connection>(
              'PATCH',
              `/v1/connections/${encodeURIComponent(rotating.name)}`,
              { secrets },
            );
            setMessage(
              `Connection ${changed.name}: ${Object.keys(secrets).join(', ')} rotated (version ${changed.version}).`,
            );
            loaded.reload();
          }}
        >
          <p>
            A secret given here replaces the stored one at once; calls in flight finish on the old
            one. Leave a field empty to keep its secret.
          </p>
          {rotating.secretFields.map((name) => (
            <div class="field" key={name}>
              <label for={`f-secret-${name}`}>New {name}</label>
              <input
                id={`f-secret-${name}`}
                name={name}
                type="password"
                autoComplete="new-password"
                maxLength={4096}
              />
            </div>
          ))}
        </ConfirmDialog>
      ) : null}
    </>
  );
}
