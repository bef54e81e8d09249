import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { ApiError } from '../api';
import { Link, navigate } from '../router';
import { trainee } from '../session';
import { asTrainee, signOut } from '../trainee-api';
import { DataTable, ErrorBox, fmtTime, Loading, Page, Section, useLoad } from '../ui';
import { Why } from '../why';
import type { ViewProps } from '../routes';

interface Project {
  id: number;
  name: string;
  project_number?: string | null;
}

function useSignedIn() {
  const s = trainee.get();
  useEffect(() => {
    if (!s) signOut('Sign in as a persona first.');
  }, []);
  return s;
}

/** The trainee's start: who they are and the projects of their sandbox they are on. */
export function SeeHome() {
  const s = useSignedIn();
  const projects = useLoad(() => (s ? asTrainee<Project[]>('GET', `/rest/v1.0/companies/${s.company_id}/projects`) : Promise.resolve([])), []);
  if (!s) return null;
  return (
    <Page title={`See it as ${s.user.name}`} lead={`Signed in as ${s.user.login}, in company ${s.company_id}. Everything below is what the API answers this persona.`}>
      <div class="actions">
        <button type="button" class="secondary" onClick={async () => {
          await fetch('/oauth/revoke', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: s.access_token }) }).catch(() => undefined);
          signOut('You signed out.');
        }}>
          Sign out
        </button>
      </div>
      <Section title="Projects">
        {projects.loading && <Loading what="the projects" />}
        {projects.error !== null && <Refusal error={projects.error} />}
        {projects.data && (
          <ul>
            {projects.data.map((p) => (
              <li key={p.id}>
                <Link to={`/see/companies/${s.company_id}/projects/${p.id}`}>{p.name}</Link>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </Page>
  );
}

/** A refusal, with its Why? when the permission engine names the action. */
function Refusal(props: { error: unknown; projectId?: number }) {
  const e = props.error;
  return (
    <>
      <ErrorBox error={e} title={e instanceof ApiError && e.status === 403 ? `Refused: ${e.code}` : undefined} />
      {e instanceof ApiError && e.action && props.projectId && <Why action={e.action} projectId={props.projectId} />}
    </>
  );
}

const TABS = [
  { key: 'tools', label: 'Tools' },
  { key: 'rfis', label: 'RFIs' },
  { key: 'submittals', label: 'Submittals' },
  { key: 'budget', label: 'Budget' },
  { key: 'photos', label: 'Photos' },
  { key: 'drawings', label: 'Drawings' },
];

/** One project as the persona sees it, a tab per tool. Another sandbox's project is refused as a page. */
export function ProjectView({ params }: ViewProps) {
  const s = useSignedIn();
  const company = Number(params.cid);
  const projectId = Number(params.pid);
  const tab = params.tab ?? 'tools';
  const project = useLoad(() => asTrainee<Project>('GET', `/rest/v1.0/projects/${projectId}`, { company }), [company, projectId]);
  if (!s) return null;
  if (project.loading && !project.data) return <Loading what="the project" />;
  if (project.error) return <NotYours error={project.error} />;
  const p = project.data!;
  const base = `/see/companies/${company}/projects/${projectId}`;
  return (
    <Page title={p.name} lead={`As ${s.user.name}. Project #${p.id}.`}>
      <nav aria-label="Tools of the project">
        <ul class="tabs">
          {TABS.map((t) => (
            <li key={t.key}>
              <Link to={t.key === 'tools' ? base : `${base}/${t.key}`} aria-current={t.key === tab ? 'page' : undefined}>
                {t.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'tools' && <Tools projectId={projectId} company={company} />}
      {tab === 'rfis' && <Items projectId={projectId} company={company} title="RFIs" path="rfis" resource="RFIs" columns={['number', 'subject', 'status', 'private', 'ball_in_court', 'due_date']} />}
      {tab === 'submittals' && <Items projectId={projectId} company={company} title="Submittals" path="submittals" resource="Submittals" columns={['number', 'title', 'status', 'private', 'ball_in_court', 'revision']} />}
      {tab === 'budget' && <Budget projectId={projectId} company={company} />}
      {tab === 'photos' && <Items projectId={projectId} company={company} title="Photos" path="images" resource="Images" columns={['description', 'private', 'processing_status', 'image_category', 'created_at']} />}
      {tab === 'drawings' && <Items projectId={projectId} company={company} title="Drawings" path="drawings" resource="Drawings" columns={['number', 'title', 'discipline', 'current_revision']} />}
    </Page>
  );
}

function NotYours(props: { error: unknown }) {
  const e = props.error;
  const notYours = e instanceof ApiError && (e.code === 'not_in_company' || e.code === 'not_project_member' || e.status === 404);
  return (
    <Page title={notYours ? 'Not your sandbox' : 'Refused'} lead={notYours ? 'This project belongs to another sandbox (or does not exist): a persona sees its own company only.' : undefined}>
      <ErrorBox error={e} title={e instanceof ApiError ? `${e.status} ${e.code}` : undefined} />
      <p>
        <Link to="/see">Back to your projects</Link>
      </p>
    </Page>
  );
}

interface ToolRow {
  name: string;
  title: string;
  active: boolean;
  user_access_level: { key: string; name: string };
  permitted_actions: string[];
}

function Tools(props: { projectId: number; company: number }) {
  const tools = useLoad(() => asTrainee<{ tools: ToolRow[]; permission_template: { name: string } | null }>('GET', `/rest/v1.0/settings/permissions?project_id=${props.projectId}`, { company: props.company }), [props.projectId]);
  if (tools.loading) return <Loading what="the tools" />;
  if (tools.error) return <Refusal error={tools.error} projectId={props.projectId} />;
  const t = tools.data!;
  return (
    <Section title="Tools you can open">
      <p>Permission template on this project: {t.permission_template?.name ?? 'none'}.</p>
      <div class="table-wrap">
        <table>
          <caption>Each tool of the project, with your level and whether you may open it</caption>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col">Your level</th>
              <th scope="col">Open?</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {t.tools.map((tool) => {
              const open = tool.permitted_actions.includes(`${tool.name}.view`);
              return (
                <tr key={tool.name} data-tool={tool.name}>
                  <th scope="row">{tool.title}</th>
                  <td>{tool.user_access_level.name}</td>
                  <td>{open ? <span class="tag good">open</span> : <span class="tag bad">refused</span>}</td>
                  <td>
                    {open ? (
                      `You may: ${tool.permitted_actions.map((a) => a.slice(a.indexOf('.') + 1).replace(/_/g, ' ')).join(', ')}${tool.active ? '' : ' (tool inactive)'}`
                    ) : (
                      <Why action={`${tool.name}.view`} projectId={props.projectId} label={`Why not ${tool.title}?`} />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

function Items(props: { projectId: number; company: number; title: string; path: string; columns: string[]; resource?: string }) {
  const list = useLoad(() => asTrainee<Record<string, unknown>[]>('GET', `/rest/v1.0/projects/${props.projectId}/${props.path}?per_page=100`, { company: props.company }), [props.projectId, props.path]);
  const cols: { key: string; label?: string; render?: (row: Record<string, unknown>) => ComponentChildren }[] = [
    { key: 'id', label: 'id' },
    ...props.columns.map((key) => ({ key, label: key.replace(/_/g, ' '), render: key === 'created_at' ? (r: Record<string, unknown>) => fmtTime(r[key] as string) : undefined })),
  ];
  if (props.resource) {
    const resource = props.resource;
    cols.push({
      key: '_timeline',
      label: 'Timeline',
      render: (r) => (
        <Link to={`/see/companies/${props.company}/projects/${props.projectId}/timeline/${encodeURIComponent(resource)}/${String(r.id)}`} aria-label={`${resource} #${String(r.id)}: timeline`}>
          timeline
        </Link>
      ),
    });
  }
  return (
    <Section title={props.title}>
      {list.loading && <Loading what={props.title} />}
      {list.error !== null && <Refusal error={list.error} projectId={props.projectId} />}
      {list.data && <DataTable caption={`${props.title} as the API answers them to you (${list.data.length})`} rows={list.data} columns={cols} empty={`No ${props.title.toLowerCase()} you may see.`} />}
    </Section>
  );
}

interface BudgetAnswer {
  as_of: string | null;
  stale: boolean;
  pending_jobs: number;
  locked: boolean;
  columns: string[];
  hidden_columns: string[];
  line_items: Record<string, unknown>[];
  totals: Record<string, string>;
}

function Budget(props: { projectId: number; company: number }) {
  const b = useLoad(() => asTrainee<BudgetAnswer>('GET', `/rest/v1.0/projects/${props.projectId}/budget`, { company: props.company }), [props.projectId]);
  if (b.loading) return <Loading what="the budget" />;
  if (b.error) {
    return (
      <Section title="Budget">
        <Refusal error={b.error} projectId={props.projectId} />
      </Section>
    );
  }
  const x = b.data!;
  return (
    <Section title="Budget">
      <p>
        As of {fmtTime(x.as_of)}
        {x.stale ? `, stale: ${x.pending_jobs} job(s) still on their way` : ''}
        {x.locked ? ', locked' : ''}.
      </p>
      {x.hidden_columns.length > 0 && (
        <p class="notice">
          Columns hidden from you by your permissions: {x.hidden_columns.join(', ')}. <Why action="budget.view_direct_costs" projectId={props.projectId} label="Why are they hidden?" />
        </p>
      )}
      <DataTable
        caption={`Line items, with the ${x.columns.length} columns you may see`}
        rows={x.line_items}
        columns={[
          { key: 'cost_code', label: 'cost code', render: (r) => String((r.cost_code as { code: string }).code) },
          { key: 'description' },
          ...x.columns.map((c) => ({ key: c, label: c.replace(/_/g, ' ') })),
        ]}
      />
    </Section>
  );
}

export function goSignIn(): void {
  navigate('/signin');
}
