import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Link } from '../router';
import { trainee } from '../session';
import { asTrainee } from '../trainee-api';
import { ErrorBox, Field, fmtTime, Loading, Page, Section, useLoad } from '../ui';

interface Challenge {
  id: number;
  status: 'armed' | 'solved' | 'failed';
  symptom: { description: string };
  affected_persona: string | null;
  answers: { cause: string; correct: boolean; at: string }[];
  attempts_left: number;
  score: number | null;
  armed_at: string;
  title: string | null;
  expected_causes: string[] | null;
  evidence: { cause: string; evidence: Record<string, unknown>; fix: string[] }[] | null;
}

/** The trainee's challenge: the symptom only; investigate with the console, then name the cause. */
export function ChallengePage() {
  return trainee.get() ? (
    <ChallengeBody />
  ) : (
    <Page title="Challenge">
      <p>
        A challenge is answered as a persona of your sandbox. <Link to="/signin">Sign in first</Link>.
      </p>
    </Page>
  );
}

function ChallengeBody() {
  const current = useLoad(() => asTrainee<Challenge>('GET', '/_sim/training/challenge'), []);
  const causes = useLoad(() => asTrainee<string[]>('GET', '/_sim/training/causes'), []);
  const [answered, setAnswered] = useState<Challenge | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function answer(e: Event) {
    e.preventDefault();
    const cause = String(new FormData(e.currentTarget as HTMLFormElement).get('cause'));
    setBusy(true);
    setError(null);
    try {
      setAnswered(await asTrainee<Challenge>('POST', '/_sim/training/challenge/answers', { body: { cause } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (current.loading) return <Loading what="your challenge" />;
  if (current.error instanceof ApiError && current.error.status === 404) {
    return (
      <Page title="Challenge">
        <p>No challenge has been armed on your sandbox yet. Your trainer arms one from the class page.</p>
        <div class="actions">
          <button type="button" class="secondary" onClick={() => current.reload()}>
            Look again
          </button>
        </div>
      </Page>
    );
  }
  if (current.error) return <Page title="Challenge"><ErrorBox error={current.error} /></Page>;
  const c = answered ?? current.data!;
  const last = c.answers[c.answers.length - 1];
  return (
    <Page title={`Challenge #${c.id}`} lead={`Armed ${fmtTime(c.armed_at)}. Something is wrong in your sandbox: find out why with the console (see it as the affected persona, Why?, timelines), then name the cause.`}>
      <Section title="The symptom">
        <p class="notice">{c.symptom.description}</p>
        <p>Who has it: <strong>{c.affected_persona ?? 'a user of your sandbox'}</strong>. Sign in as them to see it.</p>
      </Section>
      <div aria-live="polite">
        {last && c.status === 'armed' && (
          <p class="error" role="status">
            “{last.cause}” is not the cause. {c.attempts_left} answer{c.attempts_left === 1 ? '' : 's'} left.
          </p>
        )}
        {c.status === 'solved' && (
          <p class="ok" role="status">
            Solved: “{last?.cause}” is the cause. Score {c.score} of 100.
          </p>
        )}
        {c.status === 'failed' && (
          <p class="error" role="status">
            Not found in {c.answers.length} answers: the cause was {c.expected_causes?.join(' or ')}. Score {c.score}.
          </p>
        )}
        {error !== null && <ErrorBox error={error} />}
      </div>
      {c.status === 'armed' && (
        <Section title="Your answer">
          <form class="inline" onSubmit={answer}>
            <Field label="Cause" id="cause" hint={`${c.attempts_left} answer${c.attempts_left === 1 ? '' : 's'} left; each wrong one costs 25 points.`}>
              <select id="cause" name="cause" aria-describedby="cause-hint" required>
                {(causes.data ?? []).map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </Field>
            <button type="submit" disabled={busy || !causes.data}>
              {busy ? 'Sending…' : 'Submit the cause'}
            </button>
          </form>
        </Section>
      )}
      {c.status !== 'armed' && c.evidence && (
        <Section title="The evidence">
          <p>
            Scenario: {c.title}. What diagnose found when the cause was armed:
          </p>
          {c.evidence.map((e) => (
            <div key={e.cause}>
              <h3>
                <code>{e.cause}</code>
              </h3>
              <pre>{JSON.stringify(e.evidence, null, 2)}</pre>
              <ul>
                {e.fix.map((f, i) => (
                  <li key={i}>{f}</li>
                ))}
              </ul>
            </div>
          ))}
        </Section>
      )}
    </Page>
  );
}
