import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, call, can, whenSignedOut, type Session } from './api';
import { Loading, PageTitle, ProblemNotice } from './components/common';
import { GROUPS, PAGES } from './pages';
import { SignInPage } from './pages/sign-in';
import { href, useRoute } from './router';
import './styles.css';

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const [section = 'overview', id] = route.path;
  // the navigation offers what the key's scopes allow; a page opened by its address still
  // renders, and shows the API's refusal
  const offered = PAGES.filter((p) => !p.scope || can(session, p.scope));
  const groups = GROUPS.map((g) => ({ ...g, pages: offered.filter((p) => p.group === g.id) }));
  const current = PAGES.find((p) => p.path === section);
  let page;
  if (current) page = current.render({ route, session, id });
  else
    page = (
      <>
        <PageTitle>Not found</PageTitle>
        <p>
          There is no page <code>{section}</code>. <a href={href('overview')}>Overview</a>
        </p>
      </>
    );
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">invoice-gateway</span>
        <nav aria-label="Console">
          {groups
            .filter((g) => g.pages.length > 0)
            .map((g) => (
              <ul key={g.id} aria-label={g.label}>
                {g.pages.map((p) => (
                  <li key={p.path}>
                    <a href={href(p.path)} aria-current={section === p.path ? 'page' : undefined}>
                      {p.label}
                    </a>
                  </li>
                ))}
              </ul>
            ))}
        </nav>
        <span class="who">
          Signed in as <strong>{session.clientName}</strong>
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}

function App() {
  const [session, setSession] = useState<Session | null>();
  const [notice, setNotice] = useState<string>();
  const [problem, setProblem] = useState<ApiError['problem']>();

  useEffect(() => {
    whenSignedOut(() => {
      setSession(null);
      setNotice('Your session ended. Sign in again.');
    });
    call<Session>('GET', '/console/session')
      .then(setSession)
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.problem.status === 401) setSession(null);
        else if (error instanceof ApiError) setProblem(error.problem);
        else setProblem({ status: 0, title: 'Error', detail: String(error), code: 'error' });
      });
  }, []);

  async function signOut() {
    try {
      await call('DELETE', '/console/session');
      setNotice('You are signed out.');
      setSession(null);
    } catch (error) {
      if (error instanceof ApiError) setProblem(error.problem);
    }
  }

  if (problem) return <ProblemNotice problem={problem} />;
  if (session === undefined) return <Loading />;
  if (session === null)
    return (
      <SignInPage
        notice={notice}
        onSignedIn={(s) => {
          setNotice(undefined);
          setSession(s);
        }}
      />
    );
  return <Shell session={session} onSignOut={() => void signOut()} />;
}

const root = document.getElementById('app');
if (root) render(<App />, root);
