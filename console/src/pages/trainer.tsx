import { useState } from 'preact/hooks';
import { ApiError, call } from '../api';
import { Link, navigate } from '../router';
import { trainer } from '../session';
import { ErrorBox, Field, Page, Section } from '../ui';

interface Created {
  id: number;
  name: string;
  class_token: string;
  trainees: { sandbox_id: number; sandbox_token: string }[];
}

/** The trainer's start: create a class, or open one kept in this tab or by its class token. */
export function TrainerHome() {
  const [state, setState] = useState(trainer.get());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function create(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const trainees = Number(form.get('trainees'));
    setBusy(true);
    setError(null);
    try {
      const c = await call<Created>('POST', '/_sim/classes', { token: trainer.get().operator_token, body: { name: String(form.get('name') ?? ''), trainees } });
      trainer.update((s) => {
        s.classes[String(c.id)] = { id: c.id, name: c.name, class_token: c.class_token, sandbox_tokens: Object.fromEntries(c.trainees.map((x) => [String(x.sandbox_id), x.sandbox_token])) };
      });
      navigate(`/trainer/classes/${c.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function open(e: Event) {
    e.preventDefault();
    const token = String(new FormData(e.currentTarget as HTMLFormElement).get('class_token') ?? '').trim();
    setError(null);
    try {
      const [c] = await call<{ id: number; name: string }[]>('GET', '/_sim/classes', { token });
      if (!c) throw new ApiError(404, 'not_found', 'No class answers to this token.');
      setState(trainer.update((s) => (s.classes[String(c.id)] = { id: c.id, name: c.name, class_token: token, sandbox_tokens: s.classes[String(c.id)]?.sandbox_tokens ?? {} })));
      navigate(`/trainer/classes/${c.id}`);
    } catch (err) {
      setError(err);
    }
  }

  function saveOperator(e: Event) {
    e.preventDefault();
    const token = String(new FormData(e.currentTarget as HTMLFormElement).get('operator_token') ?? '').trim();
    setState(trainer.update((s) => (s.operator_token = token || null)));
  }

  const kept = Object.values(state.classes);
  return (
    <Page title="Trainer" lead="Classes live in this browser tab: their tokens are kept in its session storage, never on a trainee's page.">
      {error !== null && <ErrorBox error={error} />}
      <Section title="Create a class">
        <form onSubmit={create} aria-describedby="create-hint">
          <p id="create-hint" class="hint">
            Each trainee gets a training sandbox of their own, with its six personas and two projects.
          </p>
          <Field label="Class name" id="class-name">
            <input id="class-name" name="name" required maxLength={200} autoComplete="off" />
          </Field>
          <Field label="Number of trainees" id="class-trainees" hint="From 1 to 30.">
            <input id="class-trainees" name="trainees" type="number" required inputMode="numeric" defaultValue="3" aria-describedby="class-trainees-hint" />
          </Field>
          <div class="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Creating the sandboxes…' : 'Create the class'}
            </button>
          </div>
        </form>
      </Section>
      <Section title="Your classes">
        {kept.length ? (
          <ul>
            {kept.map((c) => (
              <li key={c.id}>
                <Link to={`/trainer/classes/${c.id}`}>{c.name}</Link> (class #{c.id})
              </li>
            ))}
          </ul>
        ) : (
          <p class="empty">No class in this tab yet.</p>
        )}
        <form class="inline" onSubmit={open}>
          <Field label="Open a class by its class token" id="class-token">
            <input id="class-token" name="class_token" required autoComplete="off" spellcheck={false} />
          </Field>
          <button type="submit" class="secondary">
            Open
          </button>
        </form>
      </Section>
      <Section title="Operator token">
        <form class="inline" onSubmit={saveOperator}>
          <Field label="Operator token (SIM_OPERATOR_TOKEN)" id="operator-token" hint="Needed to create classes where the simulator's controls are not open (they are under npm start).">
            <input id="operator-token" name="operator_token" type="password" autoComplete="off" defaultValue={state.operator_token ?? ''} aria-describedby="operator-token-hint" />
          </Field>
          <button type="submit" class="secondary">
            Keep in this tab
          </button>
        </form>
      </Section>
    </Page>
  );
}
