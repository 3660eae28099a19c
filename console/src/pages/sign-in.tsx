import { useState } from 'preact/hooks';
import { call, type Problem, type Session } from '../api';
import { PageTitle, ProblemNotice } from '../components/common';
import { field } from '../form';
import { problemOf } from '../use-load';

/** The key is sent once, to be exchanged for a session cookie; it is never kept in the page. */
export function SignInPage({
  onSignedIn,
  notice,
}: {
  onSignedIn: (s: Session) => void;
  notice?: string;
}) {
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const apiKey = field(new FormData(form), 'apiKey');
    setBusy(true);
    setProblem(undefined);
    try {
      const session = await call<Session>('POST', '/console/session', { apiKey });
      form.reset();
      onSignedIn(session);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="sign-in">
      <PageTitle>Sign in to the invoice-gateway console</PageTitle>
      {notice ? <p role="status">{notice}</p> : null}
      <form onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for="f-apiKey">API key</label>
          <input
            id="f-apiKey"
            name="apiKey"
            type="password"
            autocomplete="off"
            required
            maxLength={512}
            aria-describedby="key-help"
          />
        </div>
        <p id="key-help" class="muted">
          A gateway API key (<code>npm run cli -- clients:create</code>). It is exchanged for a
          session cookie and not kept by the browser; its scopes decide what the console offers.
        </p>
        <ProblemNotice problem={problem} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
