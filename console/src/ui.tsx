import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

/** Loads once per key; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[]): { data: T | null; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...key, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

let navigated = false;

/** The page's heading; focused after an in-page navigation (not on the first load) so that a screen reader announces the new page. */
export function Page(props: { title: string; children: ComponentChildren; lead?: ComponentChildren }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · sitesim console`;
    if (navigated) h1.current?.focus();
    navigated = true;
  }, [props.title]);
  return (
    <>
      <h1 tabIndex={-1} ref={h1}>
        {props.title}
      </h1>
      {props.lead && <p class="lead">{props.lead}</p>}
      {props.children}
    </>
  );
}

export function Loading(props: { what?: string }) {
  return (
    <p class="loading" role="status">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}

export function ErrorBox(props: { error: unknown; title?: string }) {
  const e = props.error;
  const message = e instanceof Error ? e.message : String(e);
  return (
    <div class="error" role="alert">
      <strong>{props.title ?? (e instanceof ApiError && e.status ? `${e.status} ${e.code}` : 'Something went wrong')}</strong>
      <p>{message}</p>
      {e instanceof ApiError && Array.isArray(e.details.fields) && (
        <ul class="fields">
          {(e.details.fields as { field: string; message: string }[]).map((f) => (
            <li key={f.field}>
              <strong>{f.field}</strong>: {f.message}
            </li>
          ))}
        </ul>
      )}
      {e instanceof ApiError && e.details && Object.keys(e.details).length > 0 && (
        <details>
          <summary>Details</summary>
          <pre>{JSON.stringify(e.details, null, 2)}</pre>
        </details>
      )}
    </div>
  );
}

/** A section with its own heading level, for landmarks and headings in order. */
export function Section(props: { title: string; children: ComponentChildren; id?: string; level?: 2 | 3 }) {
  const id = props.id ?? `s-${props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const H = props.level === 3 ? 'h3' : 'h2';
  return (
    <section aria-labelledby={id}>
      <H id={id}>{props.title}</H>
      {props.children}
    </section>
  );
}

export function Field(props: { label: string; id: string; hint?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <small id={`${props.id}-hint`} class="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** Any JSON value as a table cell. */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(v)) return v.map(cell).join(', ') || '—';
    if ('name' in o) return String(o.name);
    if ('id' in o && Object.keys(o).length <= 3) return `#${o.id}`;
    return JSON.stringify(v);
  }
  return String(v);
}

/** A table of rows exactly as the API answered them: one column per field given. */
export function DataTable(props: { caption: string; rows: Record<string, unknown>[]; columns: { key: string; label?: string; render?: (row: Record<string, unknown>) => ComponentChildren }[]; empty?: string }) {
  if (!props.rows.length) return <p class="empty">{props.empty ?? 'Nothing to show.'}</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" key={c.key}>
                {c.label ?? c.key}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r, i) => (
            <tr key={String(r.id ?? i)}>
              {props.columns.map((c) => (
                <td key={c.key}>{c.render ? c.render(r) : cell(r[c.key])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
