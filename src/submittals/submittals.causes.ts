import { Injectable, OnModuleInit } from '@nestjs/common';
import { CauseDetector, CauseRegistry, DiagnoseContext, Finding } from '../diagnose/causes';
import { FilteredOutCause } from '../diagnose/filtered-out.cause';
import { submittalViewer, submittalVisibility } from './submittal-visibility';
import { submittalFilterClauses, SubmittalListQuery } from './submittals.service';

type Found = Omit<Finding, 'cause'>;

interface WaitingRow {
  id: number;
  number: number;
  revision: number;
  title: string;
  current_step: number;
  submitted_at: Date | null;
  waiting: { user_id: number; name: string; email: string; required: boolean; draft_response_id: number | null; draft_saved_at: string | null; draft_response: string | null }[];
  answered: { name: string; response: string }[];
}

/**
 * A submittal whose status does not move: its current step still waits on
 * approvers in court, and some of them saved their response as a draft.
 */
@Injectable()
export class WorkflowStepIncompleteCause implements CauseDetector {
  readonly cause = 'workflow_step_incomplete' as const;
  readonly symptoms = ['not_updating', 'not_visible'] as const;

  async detect(ctx: DiagnoseContext): Promise<Found[]> {
    if (ctx.projectId === null || (ctx.tool !== null && ctx.tool !== 'submittals')) return [];
    const rows: WaitingRow[] = await ctx.db.query(
      `SELECT s.id, s.number, s.revision, s.title, s.current_step, s.submitted_at,
              (SELECT coalesce(json_agg(json_build_object('user_id', a.user_id, 'name', u.name, 'email', u.email, 'required', a.required,
                        'draft_response_id', r.id, 'draft_saved_at', r.updated_at, 'draft_response', r.response) ORDER BY a.id), '[]')
                 FROM submittal_approvers a JOIN users u ON u.id = a.user_id
                 LEFT JOIN submittal_responses r ON r.approver_id = a.id
                WHERE a.submittal_id = s.id AND a.step = s.current_step AND (r.id IS NULL OR r.draft)) AS waiting,
              (SELECT coalesce(json_agg(json_build_object('name', u.name, 'response', r.response) ORDER BY r.id), '[]')
                 FROM submittal_approvers a JOIN users u ON u.id = a.user_id
                 JOIN submittal_responses r ON r.approver_id = a.id AND NOT r.draft
                WHERE a.submittal_id = s.id AND a.step = s.current_step) AS answered
         FROM submittals s
        WHERE s.project_id = $1 AND s.status = 'open' AND s.workflow_state = 'in_review' AND ($2::int IS NULL OR s.id = $2)
          AND ($3::int IS NULL OR s.created_by_id = $3 OR s.submittal_manager_id = $3
               OR EXISTS (SELECT 1 FROM submittal_approvers a WHERE a.submittal_id = s.id AND a.user_id = $3))
        ORDER BY s.updated_at DESC LIMIT 10`,
      [ctx.projectId, ctx.itemId, ctx.userId],
    );
    // A step waiting on its approvers is the normal course of a workflow: asked in general
    // (no tool, no item), only a draft response that holds the step is worth naming.
    const asked = ctx.tool === 'submittals' || ctx.itemId !== null;
    return rows.filter((s) => asked || s.waiting.some((w) => w.draft_response_id !== null)).map((s) => {
      const drafts = s.waiting.filter((w) => w.draft_response_id !== null);
      const blocking = s.waiting.filter((w) => w.required);
      const path = `/rest/v1.0/projects/${ctx.projectId}/submittals/${s.id}`;
      const fix = [
        ...drafts.map((d) => `${d.name} submits the draft response (${d.draft_response}): PATCH ${path}/responses/${d.draft_response_id} {"draft": false}`),
        ...s.waiting
          .filter((w) => w.draft_response_id === null && (w.required || !blocking.length))
          .map((w) => `${w.name} responds to step ${s.current_step}: POST ${path}/responses`),
      ];
      const first = drafts[0] ?? blocking[0] ?? s.waiting[0];
      return {
        tool: 'submittals',
        item: { id: s.id, type: 'Submittal' },
        user: first ? { id: first.user_id, name: first.name, login: first.email } : null,
        evidence: {
          submittal: { id: s.id, number: s.number, revision: s.revision, title: s.title, current_step: s.current_step },
          in_court: s.waiting.map((w) => ({ id: w.user_id, name: w.name, login: w.email, required: w.required })),
          draft_responses: drafts.map((d) => ({ response_id: d.draft_response_id, by: d.name, response: d.draft_response, saved_at: new Date(d.draft_saved_at!).toISOString(), visible_to: 'its author only' })),
          already_answered: s.answered,
          step_completes_when: blocking.length ? 'every required approver has submitted a response' : 'any approver has submitted a response',
        },
        fix,
        weight: (ctx.itemId === s.id ? 15 : 0) + (drafts.length ? 82 : 66),
      };
    });
  }
}

@Injectable()
export class SubmittalCauses implements OnModuleInit {
  constructor(
    private readonly registry: CauseRegistry,
    private readonly incomplete: WorkflowStepIncompleteCause,
    private readonly filtered: FilteredOutCause,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.incomplete);
    this.filtered.register({
      tool: 'submittals',
      itemType: 'Submittal',
      table: 'submittals',
      columns: 'r.id, r.number, r.revision, r.title, r.status, r.workflow_state, r.updated_at',
      clauses: (filters, today) => submittalFilterClauses(filters as SubmittalListQuery['filters'], today),
      visibility: (subject, first) => submittalVisibility('r', submittalViewer(subject), first),
    });
  }
}
