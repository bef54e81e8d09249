import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Link, navigate } from '../router';
import { trainer, type TrainerClass } from '../session';
import { ClassView, classApi, Fault, Trainee } from '../trainer-api';
import { ErrorBox, Field, fmtTime, Loading, Page, Section, useLoad } from '../ui';
import type { ViewProps } from '../routes';
import { ChallengePanel } from './trainer-challenges';

export function signInUrl(clientId: string | null): string {
  return `${location.origin}/console/signin${clientId ? `?client_id=${encodeURIComponent(clientId)}` : ''}`;
}

/** Runs an action with a busy flag and an error box; `done` after it succeeded. */
function useAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const run = async (label: string, fn: () => Promise<unknown>, done?: string) => {
    setBusy(label);
    setError(null);
    setMessage(null);
    try {
      await fn();
      if (done) setMessage(done);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, message, run };
}

export function ClassPage({ params }: ViewProps) {
  const kept = trainer.classOf(params.id);
  if (!kept) {
    return (
      <Page title="Class not in this tab">
        <p>This tab does not hold the class token of class #{params.id}.</p>
        <p>
          <Link to="/trainer">Open it with its class token on the trainer's page</Link>
        </p>
      </Page>
    );
  }
  return <ClassBody kept={kept} />;
}

function ClassBody({ kept }: { kept: TrainerClass }) {
  const api = classApi(kept);
  const view = useLoad(() => api.get(), [kept.id]);
  const action = useAction();
  // Who is signed in changes as trainees arrive: read it again every 15 s while the page is open.
  useEffect(() => {
    const timer = setInterval(() => view.reload(), 15_000);
    return () => clearInterval(timer);
  }, [kept.id]);

  if (view.loading && !view.data) return <Loading what="the class" />;
  if (view.error) return <Page title={`Class #${kept.id}`}><ErrorBox error={view.error} /></Page>;
  const c = view.data as ClassView;
  return (
    <Page title={c.name} lead={`Class #${c.id}, created ${fmtTime(c.created_at)}: ${c.trainees.length} trainee sandbox${c.trainees.length === 1 ? '' : 'es'}.`}>
      <div class="actions no-print">
        <Link to={`/trainer/classes/${c.id}/logins`} class="button">
          Print the login sheet
        </Link>
        <button type="button" class="secondary" onClick={() => view.reload()}>
          Refresh who is signed in
        </button>
        <button type="button" class="secondary" disabled={!!action.busy} onClick={() => action.run('reset-all', async () => { await api.resetAll(); view.reload(); }, 'Every sandbox is back to its seeded state.')}>
          Reset every sandbox
        </button>
        <button
          type="button"
          class="danger"
          disabled={!!action.busy}
          onClick={() =>
            confirm(`Delete the class "${c.name}" and all its sandboxes?`) &&
            action.run('delete', async () => {
              await api.remove();
              trainer.update((s) => delete s.classes[String(c.id)]);
              navigate('/trainer');
            })
          }
        >
          Delete the class
        </button>
      </div>
      <Status action={action} />
      <Section title="Trainees">
        <div class="table-wrap">
          <table>
            <caption>Each trainee's sandbox and who is signed in on it</caption>
            <thead>
              <tr>
                <th scope="col">Trainee</th>
                <th scope="col">Sandbox</th>
                <th scope="col">Sign-in address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {c.trainees.map((t) => (
                <tr key={t.trainee} data-trainee={t.trainee}>
                  <th scope="row">Trainee {t.trainee}</th>
                  <td>
                    #{t.sandbox_id} (company {t.company_id})
                  </td>
                  <td>
                    <code>{signInUrl(t.client_id)}</code>
                  </td>
                  <td>
                    {t.signed_in.length ? (
                      <ul class="signed-in">
                        {t.signed_in.map((s) => (
                          <li key={s.user_id}>
                            {s.name} ({s.persona ?? 'user'}) since {fmtTime(s.signed_in_at)}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span class="empty">nobody</span>
                    )}
                  </td>
                  <td>
                    <div class="actions">
                      <button type="button" class="secondary" aria-label={`Reset trainee ${t.trainee}'s sandbox`} disabled={!!action.busy} onClick={() => action.run(`reset-${t.trainee}`, async () => { await api.resetOne(t.trainee); view.reload(); }, `Trainee ${t.trainee}'s sandbox is back to its seeded state.`)}>
                        Reset
                      </button>
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Delete trainee ${t.trainee}'s sandbox`}
                        disabled={!!action.busy}
                        onClick={() => confirm(`Delete trainee ${t.trainee}'s sandbox?`) && action.run(`delete-${t.trainee}`, async () => { await api.removeOne(t.trainee); view.reload(); }, `Trainee ${t.trainee}'s sandbox is deleted.`)}
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <ChallengePanel kept={kept} trainees={c.trainees} />
      <Section title="Simulator controls">
        <p class="hint">Each trainee's sandbox is driven with its own sandbox token, kept in this tab.</p>
        {c.trainees.map((t) => (
          <details key={t.trainee} class="controls">
            <summary>Trainee {t.trainee}: latency, faults, load and clock</summary>
            <Controls api={api} trainee={t} />
          </details>
        ))}
      </Section>
    </Page>
  );
}

function Status(props: { action: { busy: string | null; error: unknown; message: string | null } }) {
  return (
    <div aria-live="polite">
      {props.action.busy && <p role="status">Working…</p>}
      {props.action.message && <p class="ok">{props.action.message}</p>}
      {props.action.error !== null && <ErrorBox error={props.action.error} />}
    </div>
  );
}

function Controls(props: { api: ReturnType<typeof classApi>; trainee: Trainee }) {
  const id = props.trainee.sandbox_id;
  const s = props.api.sandbox(id);
  const settings = useLoad(() => s.settings(), [id]);
  const clock = useLoad(() => s.clock(), [id]);
  const faults = useLoad(() => s.faults(), [id]);
  const load = useLoad(() => s.load(), [id]);
  const action = useAction();
  const p = (name: string) => `t${props.trainee.trainee}-${name}`;
  const value = (e: Event, name: string) => String(new FormData(e.currentTarget as HTMLFormElement).get(name) ?? '');
  const block = (title: string, children: ComponentChildren) => (
    <Section title={title} level={3} id={p(title.toLowerCase().replace(/\W+/g, '-'))}>
      {children}
    </Section>
  );
  return (
    <div>
      <Status action={action} />
      {block(
        'Latency profile',
        <>
        <form class="inline" onSubmit={(e) => { e.preventDefault(); const v = value(e, 'profile'); action.run('latency', async () => { await s.setLatency(v); settings.reload(); }, `Latency profile: ${v}.`); }}>
          <Field label="Profile" id={p('profile')}>
            <select id={p('profile')} name="profile" value={typeof settings.data?.latency_profile === 'string' ? settings.data.latency_profile : 'realistic'}>
              <option value="instant">instant</option>
              <option value="realistic">realistic</option>
              <option value="congested">congested</option>
            </select>
          </Field>
          <button type="submit" class="secondary">Apply</button>
        </form>
        </>,
      )}
      {block(
        'Clock',
        <>
        <p>{clock.data ? `Sandbox time ${fmtTime(clock.data.now)}${clock.data.frozen ? ' (frozen)' : ''}, ${Math.round(clock.data.offset_seconds / 3600)} h ahead of real time.` : 'Reading the clock…'}</p>
        <form class="inline" onSubmit={(e) => { e.preventDefault(); const hours = Number(value(e, 'hours')); action.run('advance', async () => { await s.advance(Math.round(hours * 3600)); clock.reload(); }, `The clock moved ${hours} h on.`); }}>
          <Field label="Advance by (hours)" id={p('hours')}>
            <input id={p('hours')} name="hours" type="number" min="0.1" max="8760" step="0.1" defaultValue="2" required />
          </Field>
          <button type="submit" class="secondary">Advance</button>
          <button type="button" class="secondary" onClick={() => action.run('freeze', async () => { await (clock.data?.frozen ? s.resume() : s.freeze()); clock.reload(); })}>
            {clock.data?.frozen ? 'Resume' : 'Freeze'}
          </button>
        </form>
        </>,
      )}
      {block(
        'Faults',
        <>
        <form class="inline" onSubmit={(e) => { e.preventDefault(); const job = value(e, 'job'); const count = Number(value(e, 'count')); action.run('fault', async () => { await s.addFault({ target: 'job', job_name: job, effect: 'fail', probability: 1, count }); faults.reload(); }, `${job} will fail ${count} time(s).`); }}>
          <Field label="Make this job fail" id={p('job')}>
            <select id={p('job')} name="job">
              <option value="webhooks.deliver">webhooks.deliver</option>
              <option value="budget.recalculate">budget.recalculate</option>
              <option value="sync.contracts-to-budget">sync.contracts-to-budget</option>
              <option value="uploads.process-attachment">uploads.process-attachment</option>
              <option value="sync.device">sync.device</option>
            </select>
          </Field>
          <Field label="Times" id={p('count')}>
            <input id={p('count')} name="count" type="number" min="1" max="1000" defaultValue="3" required />
          </Field>
          <button type="submit" class="secondary">Add fault</button>
        </form>
        {faults.data && faults.data.length > 0 && (
          <ul>
            {faults.data.map((f: Fault) => (
              <li key={f.id}>
                #{f.id} {f.effect} {f.job_name ?? f.route ?? f.target} ({f.hits ?? 0} hits){' '}
                <button type="button" class="secondary" aria-label={`Remove fault ${f.id}`} onClick={() => action.run('unfault', async () => { await s.removeFault(f.id); faults.reload(); })}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        </>,
      )}
      {block(
        'Load',
        <>
        <p>{load.data ? (load.data.active ? `Under load: ${String(load.data.backlog_jobs)} backlog jobs, ${Number(load.data.http_503_rate) * 100}% of requests refused with 503.` : 'No simulated load.') : 'Reading the load…'}</p>
        <form class="inline" onSubmit={(e) => { e.preventDefault(); const backlog = Number(value(e, 'backlog')); const rate = Number(value(e, 'rate')) / 100; action.run('load', async () => { await s.startLoad({ backlog_jobs: backlog, http_503_rate: rate }); load.reload(); }); }}>
          <Field label="Backlog jobs" id={p('backlog')}>
            <input id={p('backlog')} name="backlog" type="number" min="0" max="100000" defaultValue="200" required />
          </Field>
          <Field label="Requests refused with 503 (%)" id={p('rate')}>
            <input id={p('rate')} name="rate" type="number" min="0" max="100" defaultValue="0" required />
          </Field>
          <button type="submit" class="secondary">Start load</button>
          <button type="button" class="secondary" onClick={() => action.run('unload', async () => { await s.stopLoad(); load.reload(); })}>
            Stop load
          </button>
        </form>
        </>,
      )}
    </div>
  );
}
