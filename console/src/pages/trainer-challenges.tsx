import { useState } from 'preact/hooks';
import { call } from '../api';
import { trainer, type TrainerClass } from '../session';
import type { Trainee } from '../trainer-api';
import { ErrorBox, Field, Loading, Section, useLoad } from '../ui';

interface Challenge {
  id: number;
  status: string;
  scenario: string | null;
  title: string | null;
  attempts: number;
  score: number | null;
  answers: { cause: string; correct: boolean }[];
  affected_persona: string | null;
}

interface Results {
  trainees: { trainee: number; sandbox_id: number; challenges: Challenge[]; solved: number; total_score: number }[];
}

/** The trainer arms a hidden cause on a trainee's sandbox, and reads every trainee's results. */
export function ChallengePanel(props: { kept: TrainerClass; trainees: Trainee[] }) {
  const operator = trainer.get().operator_token;
  const anyToken = Object.values(props.kept.sandbox_tokens)[0] ?? operator;
  const scenarios = useLoad(() => call<{ key: string; number: number; title: string; causes: string[] }[]>('GET', '/_sim/scenarios', { token: anyToken }), [props.kept.id]);
  const results = useLoad(() => call<Results>('GET', `/_sim/classes/${props.kept.id}/results`, { token: props.kept.class_token }), [props.kept.id]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [armed, setArmed] = useState<string | null>(null);

  async function arm(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const sandboxId = Number(form.get('trainee'));
    const scenario = String(form.get('scenario'));
    setBusy(true);
    setError(null);
    setArmed(null);
    try {
      const c = await call<Challenge>('POST', `/_sim/sandboxes/${sandboxId}/challenges`, { token: props.kept.sandbox_tokens[String(sandboxId)] ?? operator, body: { scenario } });
      const t = props.trainees.find((x) => x.sandbox_id === sandboxId);
      setArmed(`Challenge #${c.id} armed for trainee ${t?.trainee}: ${c.title}. They see only the symptom, as ${c.affected_persona ?? 'the affected user'}.`);
      results.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title="Challenges">
      <form class="inline" onSubmit={arm}>
        <Field label="Trainee" id="challenge-trainee">
          <select id="challenge-trainee" name="trainee">
            {props.trainees.map((t) => (
              <option key={t.sandbox_id} value={t.sandbox_id}>
                Trainee {t.trainee}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Hidden cause (scenario)" id="challenge-scenario">
          <select id="challenge-scenario" name="scenario">
            {(scenarios.data ?? []).map((s) => (
              <option key={s.key} value={s.key}>
                {s.number}. {s.title} ({s.causes.join(', ')})
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" disabled={busy || !scenarios.data}>
          {busy ? 'Arming…' : 'Arm the challenge'}
        </button>
      </form>
      <div aria-live="polite">
        {busy && <p role="status">Making the cause happen in the trainee's sandbox…</p>}
        {armed && <p class="ok">{armed}</p>}
        {error !== null && <ErrorBox error={error} />}
      </div>
      <h3>Results</h3>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => results.reload()}>
          Refresh the results
        </button>
      </div>
      {results.loading && <Loading what="the results" />}
      {results.error !== null && <ErrorBox error={results.error} />}
      {results.data && (
        <div class="table-wrap">
          <table>
            <caption>Challenges per trainee, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Trainee</th>
                <th scope="col">Challenges</th>
                <th scope="col">Solved</th>
                <th scope="col">Total score</th>
              </tr>
            </thead>
            <tbody>
              {results.data.trainees.map((t) => (
                <tr key={t.trainee} data-results-trainee={t.trainee}>
                  <th scope="row">Trainee {t.trainee}</th>
                  <td>
                    {t.challenges.length ? (
                      <ul>
                        {t.challenges.map((c) => (
                          <li key={c.id}>
                            #{c.id} {c.title}: <strong>{c.status}</strong>
                            {c.score !== null ? `, score ${c.score}` : ''} ({c.attempts} answer{c.attempts === 1 ? '' : 's'}
                            {c.answers.length ? `: ${c.answers.map((a) => `${a.cause} ${a.correct ? '✓' : '✗'}`).join(', ')}` : ''})
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span class="empty">none yet</span>
                    )}
                  </td>
                  <td>{t.solved}</td>
                  <td>{t.total_score}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
