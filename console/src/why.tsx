import { useState } from 'preact/hooks';
import { asTrainee } from './trainee-api';
import { ErrorBox, Loading, useLoad } from './ui';

interface Explanation {
  action: string;
  allowed: boolean;
  outcome: string;
  rule: { tool: string; description: string; level: string | null; granular: string[] };
  held: { level: string; project_template: { name: string } | null; company_template: { name: string } | null; granular: string[]; tool_active: boolean | null; company_directory_admin: boolean };
  denied_at: { layer: string; code: string; message: string; have: unknown; need: unknown } | null;
  layers: { layer: string; verdict: string; detail: string | null }[];
  how_to_allow: { change: string; detail: string; templates?: { name: string }[]; request?: string }[];
}

const LAYER_NAMES: Record<string, string> = {
  authentication: 'Signed in',
  company_context: 'Company',
  company_directory_admin: 'Company Directory admin',
  project_membership: 'Project membership',
  tool_active: 'Tool active',
  general_level: 'Permission level',
  granular: 'Granular permissions',
  item_role: 'Role on the item',
  item_state: 'State of the item',
};

const show = (v: unknown) => (v === null || v === undefined ? '—' : Array.isArray(v) ? v.join(', ') || '—' : String(v));

/** "Why?": the permission engine's own explanation of a refusal (permissions/explain), for the signed-in persona. */
export function Why(props: { action: string; projectId: number; itemId?: number | null; label?: string }) {
  const [open, setOpen] = useState(false);
  const id = `why-${props.action.replace(/\W/g, '-')}${props.itemId ? `-${props.itemId}` : ''}`;
  return (
    <div class="why-wrap">
      <button type="button" class="secondary" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        {props.label ?? 'Why?'}
      </button>
      {open && (
        <div id={id} class="why" role="region" aria-label={`Why: ${props.action}`}>
          <Explain action={props.action} projectId={props.projectId} itemId={props.itemId ?? null} />
        </div>
      )}
    </div>
  );
}

export function Explain(props: { action: string; projectId: number; itemId: number | null }) {
  const q = new URLSearchParams({ action: props.action });
  if (props.itemId) q.set('item_id', String(props.itemId));
  const e = useLoad(() => asTrainee<Explanation>('GET', `/rest/v1.0/projects/${props.projectId}/permissions/explain?${q}`), [props.action, props.projectId, props.itemId]);
  if (e.loading) return <Loading what="the explanation" />;
  if (e.error) return <ErrorBox error={e.error} />;
  const x = e.data!;
  return (
    <>
      <h3>
        {x.allowed ? 'Allowed' : 'Refused'}: {x.rule.description} (<code>{x.action}</code>)
      </h3>
      {x.denied_at && (
        <dl class="facts">
          <dt>Refused by</dt>
          <dd>{LAYER_NAMES[x.denied_at.layer] ?? x.denied_at.layer}</dd>
          <dt>You have</dt>
          <dd>{show(x.denied_at.have)}</dd>
          <dt>Needed</dt>
          <dd>{show(x.denied_at.need)}</dd>
          <dt>Your template</dt>
          <dd>{x.held.project_template?.name ?? x.held.company_template?.name ?? '—'}</dd>
          <dt>In words</dt>
          <dd>{x.denied_at.message}</dd>
        </dl>
      )}
      <h4>Every layer, in the order they are checked</h4>
      <ol class="layers">
        {x.layers.map((l) => (
          <li key={l.layer} class={l.verdict}>
            {LAYER_NAMES[l.layer] ?? l.layer}: {l.verdict.replace('_', ' ')}
            {l.detail ? ` — ${l.detail}` : ''}
          </li>
        ))}
      </ol>
      {x.how_to_allow.length > 0 && (
        <>
          <h4>What an administrator could change</h4>
          <ol>
            {x.how_to_allow.map((h, i) => (
              <li key={i}>
                {h.detail}
                {h.templates && h.templates.length > 0 && ` ${h.templates.map((t) => t.name).join(', ')}`}
                {h.request && (
                  <>
                    {' '}
                    (<code>{h.request}</code>)
                  </>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}
