import { Link } from '../router';
import { Page, Section } from '../ui';

export function Home() {
  return (
    <Page title="Training console" lead="Run a class of training sandboxes, or see the project as each persona sees it.">
      <div class="cards">
        <Section title="I run a class">
          <p>Create a sandbox per trainee in one step, print their logins, set latency, faults, load and the clock, see who is signed in, and arm challenges.</p>
          <p>
            <Link to="/trainer" class="button">
              Open the trainer's page
            </Link>
          </p>
        </Section>
        <Section title="I am a trainee">
          <p>Sign in as a persona of your sandbox with the login sheet your trainer gave you, and see the project as that persona sees it: what they may open, what they are refused and why.</p>
          <p>
            <Link to="/signin" class="button">
              Sign in as a persona
            </Link>
          </p>
        </Section>
      </div>
    </Page>
  );
}

export function NotFound() {
  return (
    <Page title="Page not found">
      <p>There is no console page at this address.</p>
      <p>
        <Link to="/">Back to the console's home page</Link>
      </p>
    </Page>
  );
}
