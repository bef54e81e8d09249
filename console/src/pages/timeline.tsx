import { Link } from '../router';
import { asTrainee } from '../trainee-api';
import { ErrorBox, fmtMs, fmtTime, Loading, Page, useLoad } from '../ui';
import type { ViewProps } from '../routes';

interface Entry {
  at: string;
  kind: 'change' | 'job' | 'webhook' | 'device';
  title: string;
  status: string;
  since_previous_ms: number | null;
  since_first_ms: number;
  details: Record<string, unknown>;
}

interface Timeline {
  resource: string;
  resource_id: number;
  now: string;
  entries: Entry[];
  waiting: number;
}

const KIND = { change: 'Change', job: 'Job', webhook: 'Webhook', device: 'Device' };

/** Everything behind one item, in order, with the time between steps: "why is it not updating?" */
export function TimelinePage({ params }: ViewProps) {
  const company = Number(params.cid);
  const projectId = Number(params.pid);
  const resource = params.resource;
  const id = Number(params.id);
  const t = useLoad(() => asTrainee<Timeline>('GET', `/_sim/training/timeline?project_id=${projectId}&resource=${encodeURIComponent(resource)}&resource_id=${id}`, { company }), [projectId, resource, id]);
  const back = `/see/companies/${company}/projects/${projectId}`;
  return (
    <Page title={`Timeline of ${resource} #${id}`} lead="Every change behind it, the jobs they started, each webhook delivery attempt and the devices that synced it, oldest first.">
      <div class="actions">
        <button type="button" class="secondary" onClick={() => t.reload()}>
          Refresh
        </button>
        <Link to={back}>Back to the project</Link>
      </div>
      {t.loading && !t.data && <Loading what="the timeline" />}
      {t.error !== null && <ErrorBox error={t.error} />}
      {t.data && (
        <>
          <p role="status">
            {t.data.entries.length} {t.data.entries.length === 1 ? "entry" : "entries"}; {t.data.waiting ? `${t.data.waiting} still waiting or running` : 'nothing is still on its way'} (sandbox time {fmtTime(t.data.now)}).
          </p>
          <ol class="timeline" aria-label={`Timeline of ${resource} #${id}`}>
            {t.data.entries.map((e, i) => (
              <li key={i} class={e.kind}>
                <strong>
                  {KIND[e.kind]}: {e.title}
                </strong>{' '}
                <span class={`tag ${e.status === 'failed' ? 'bad' : e.status === 'done' ? 'good' : ''}`}>{e.status}</span>
                <div class="delay">
                  {fmtTime(e.at)}
                  {e.since_previous_ms !== null && ` · ${fmtMs(e.since_previous_ms)} after the step before`} · {fmtMs(e.since_first_ms)} after the first
                </div>
                <details>
                  <summary>Details</summary>
                  <pre>{JSON.stringify(e.details, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ol>
        </>
      )}
    </Page>
  );
}
