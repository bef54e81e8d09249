import { render } from 'preact';
import type { ComponentChildren } from 'preact';
import { Link, match, useRoute } from './router';
import { routes } from './routes';
import { trainee } from './session';
import './styles.css';

function Shell(props: { children: ComponentChildren; path: string }) {
  const signedIn = trainee.get();
  const nav = [
    { to: '/', label: 'Home' },
    { to: '/trainer', label: 'Trainer' },
    { to: signedIn ? '/see' : '/signin', label: signedIn ? 'See it as' : 'Trainee sign-in' },
    { to: '/drills', label: 'Drills' },
    { to: '/challenge', label: 'Challenge' },
  ];
  const current = (to: string) => (to === '/' ? props.path === '/' : props.path === to || props.path.startsWith(`${to}/`));
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">sitesim training console</span>
        <nav aria-label="Console">
          <ul>
            {nav.map((n) => (
              <li key={n.to}>
                <Link to={n.to} aria-current={current(n.to) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {signedIn && (
          <span class="who" aria-label="Signed in as">
            {signedIn.user.name}
          </span>
        )}
      </header>
      <main id="main" tabIndex={-1}>{props.children}</main>
    </>
  );
}

function App() {
  const { path, query } = useRoute();
  for (const r of routes) {
    const params = match(r.path, path);
    if (params) {
      const View = r.view;
      return (
        <Shell path={path}>
          <View params={params} query={query} />
        </Shell>
      );
    }
  }
  const NotFound = routes.find((r) => r.path === '*')!.view;
  return (
    <Shell path={path}>
      <NotFound params={{}} query={query} />
    </Shell>
  );
}

render(<App />, document.getElementById('app')!);
