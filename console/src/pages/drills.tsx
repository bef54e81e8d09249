import { useState } from 'preact/hooks';
import { Link, navigate } from '../router';
import { trainee } from '../session';
import { asTrainee } from '../trainee-api';
import { DataTable, ErrorBox, fmtTime, Loading, Page, Section, useLoad } from '../ui';
import type { ViewProps } from '../routes';

interface Symptom {
  present: boolean;
  description: string;
  observed: Record<string, unknown>;
}

interface Finding {
  cause: string;
  tool: string | null;
  item: { id: number; type?: string } | null;
  user: { name: string } | null;
  evidence: Record<string, unknown>;
  fix: string[];
}

export interface Drill {
  id: number;
  scenario: string;
  number: number;
  title: string;
  status: string;
  symptom: Symptom;
  findings: Finding[];
  fix_steps: string[];
  fix_performed: string[];
  symptom_after: Symptom | null;
  resolved: boolean | null;
  created_at: string;
}

function NeedsSignIn() {
  return (
    <Page title="Drills">
      <p>
        Drills are run as a persona of your sandbox. <Link to="/signin">Sign in first</Link>.
      </p>
    </Page>
  );
}

/** The scenario catalogue: run any scenario in a sandbox of its own. */
export function DrillsPage() {
  return trainee.get() ? <DrillsBody /> : <NeedsSignIn />;
}

function DrillsBody() {
  const scenarios = useLoad(() => asTrainee<{ key: string; number: number; title: string }[]>('GET', '/_sim/training/scenarios'), []);
  const mine = useLoad(() => asTrainee<Drill[]>('GET', '/_sim/training/drills'), []);
  const [running, setRunning] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function run(key: string) {
    setRunning(key);
    setError(null);
    try {
      const d = await asTrainee<Drill>('POST', '/_sim/training/drills', { body: { scenario: key } });
      navigate(`/drills/${d.id}`);
    } catch (err) {
      setError(err);
      setRunning(null);
    }
  }

  return (
    <Page title="Drills" lead="Run a scenario of the catalogue: it happens in a sandbox of its own, as the affected user sees it. Then read what diagnose finds, and apply the fix.">
      <div aria-live="polite">
        {running && <p role="status">Setting up “{running}”: a sandbox is being made and the cause made to happen…</p>}
        {error !== null && <ErrorBox error={error} />}
      </div>
      <Section title="Scenarios">
        {scenarios.loading && <Loading what="the scenarios" />}
        {scenarios.error !== null && <ErrorBox error={scenarios.error} />}
        {scenarios.data && (
          <DataTable
            caption="The scenario catalogue"
            rows={scenarios.data}
            columns={[
              { key: 'number', label: '#' },
              { key: 'title', label: 'Scenario' },
              {
                key: 'run',
                label: 'Run',
                render: (r) => (
                  <button type="button" disabled={running !== null} aria-label={`Run scenario ${String(r.number)}: ${String(r.title)}`} onClick={() => run(String(r.key))}>
                    Run
                  </button>
                ),
              },
            ]}
          />
        )}
      </Section>
      <Section title="Your drills">
        {mine.data && mine.data.length === 0 && <p class="empty">No drill yet.</p>}
        {mine.data && mine.data.length > 0 && (
          <ul>
            {mine.data.map((d) => (
              <li key={d.id}>
                <Link to={`/drills/${d.id}`}>
                  #{d.number} {d.title}
                </Link>{' '}
                ({d.status.replace('_', ' ')}, {fmtTime(d.created_at)})
              </li>
            ))}
          </ul>
        )}
      </Section>
    </Page>
  );
}

export function SymptomBox(props: { symptom: Symptom; title: string }) {
  return (
    <Section title={props.title}>
      {props.symptom.present ? (
        <p class="error">The symptom shows: {props.symptom.description}</p>
      ) : (
        <p class="ok">The symptom is gone: looking again as the affected user, what was wrong (“{props.symptom.description}”) no longer shows.</p>
      )}
      <details>
        <summary>What the affected user's request answered</summary>
        <pre>{JSON.stringify(props.symptom.observed, null, 2)}</pre>
      </details>
    </Section>
  );
}

export function Findings(props: { findings: Finding[] }) {
  return (
    <Section title="What diagnose finds">
      {props.findings.length === 0 && <p class="empty">Nothing explains it.</p>}
      <ol>
        {props.findings.map((f, i) => (
          <li key={i}>
            <strong>
              <code>{f.cause}</code>
            </strong>
            {f.tool ? ` in ${f.tool}` : ''}
            {f.item ? ` (${f.item.type ?? 'item'} #${f.item.id})` : ''}
            {f.user ? `, for ${f.user.name}` : ''}
            <details>
              <summary>Evidence</summary>
              <pre>{JSON.stringify(f.evidence, null, 2)}</pre>
            </details>
            {f.fix.length > 0 && (
              <ul>
                {f.fix.map((x, j) => (
                  <li key={j}>{x}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </Section>
  );
}

/** One drill: symptom, findings, fix steps; apply the fix and see the symptom gone. */
export function DrillPage(props: ViewProps) {
  return trainee.get() ? <DrillBody id={Number(props.params.id)} /> : <NeedsSignIn />;
}

function DrillBody({ id }: { id: number }) {
  const drill = useLoad(() => asTrainee<Drill>('GET', `/_sim/training/drills/${id}`), [id]);
  const [fixing, setFixing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fixed, setFixed] = useState<Drill | null>(null);
  if (drill.loading) return <Loading what="the drill" />;
  if (drill.error) return <Page title={`Drill #${id}`}><ErrorBox error={drill.error} /></Page>;
  const d = fixed ?? drill.data!;

  async function fix() {
    setFixing(true);
    setError(null);
    try {
      setFixed(await asTrainee<Drill>('POST', `/_sim/training/drills/${id}/actions/fix`));
    } catch (err) {
      setError(err);
    } finally {
      setFixing(false);
    }
  }

  return (
    <Page title={`Drill: scenario ${d.number}`} lead={d.title}>
      <SymptomBox symptom={d.symptom} title="The symptom, as the affected user sees it" />
      <Findings findings={d.findings} />
      <Section title="Fix steps">
        <ol>
          {d.fix_steps.map((s, i) => (
            <li key={i}>{s}</li>
          ))}
        </ol>
        {d.status === 'symptom_shown' && (
          <div class="actions">
            <button type="button" onClick={fix} disabled={fixing}>
              {fixing ? 'Applying the fix…' : 'Apply the fix'}
            </button>
          </div>
        )}
        <div aria-live="polite">
          {fixing && <p role="status">Performing the fix steps with real requests…</p>}
          {error !== null && <ErrorBox error={error} />}
        </div>
      </Section>
      {d.symptom_after && (
        <>
          <Section title="What the fix did">
            <ol>
              {d.fix_performed.map((s, i) => (
                <li key={i}>
                  <code>{s}</code>
                </li>
              ))}
            </ol>
          </Section>
          <SymptomBox symptom={d.symptom_after} title="After the fix" />
        </>
      )}
      <p>
        <Link to="/drills">Back to the drills</Link>
      </p>
    </Page>
  );
}
