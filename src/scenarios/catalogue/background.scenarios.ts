import type { Scenario, Symptom } from '../scenario';
import type { ScenarioContext } from '../scenario-context';
import type { SimInbox } from '../sim-inbox';

async function delivery(ctx: ScenarioContext, hookId: number): Promise<Record<string, any> | undefined> {
  const res = await ctx.as('company_admin', 'GET', `/rest/v1.0/projects/${ctx.project('first')}/webhooks/hooks/${hookId}/deliveries`);
  return res.body?.[0];
}

/**
 * 18. Update failed in the background: an injected fault fails the webhook
 * delivery job; it is retried with backoff, visible in diagnose, and arrives once
 * the fault is gone.
 */
export function webhookFailure(inbox: SimInbox): Scenario & { fixSteps: string[] } {
  return {
    key: 'background_job_failed',
    number: 18,
    title: 'Update failed in the background: a webhook delivery fails under an injected fault and succeeds on retry',
    causes: ['job_failed'],
    fixSteps: ['Delete the fault rule.', 'Wait for the retry (POST /_sim/settle): the delivery arrives.'],
    async setup(ctx) {
      const p1 = ctx.project('first');
      // Jobs start at once, retries back off in seconds (1 s, 2 s, …): the failure stays visible long enough to see.
      await ctx.sim('PATCH', `/_sim/sandboxes/${ctx.sandbox.id}/settings`, { latency_profile: { webhooks: { distribution: 'fixed', ms: 0 } } });
      const fault = await ctx.sim('POST', '/_sim/faults', { target: 'job', job_name: 'webhooks.deliver', effect: 'fail', probability: 1 });
      const box = await inbox.create();
      const hook = await ctx.as('company_admin', 'POST', `/rest/v1.0/projects/${p1}/webhooks/hooks`, { namespace: 'scenario-18', destination_url: box.url });
      await ctx.as('company_admin', 'POST', `/rest/v1.0/projects/${p1}/webhooks/hooks/${hook.body.id}/triggers`, { resource_name: 'Projects', event_type: 'update' });
      const edit = await ctx.as('company_admin', 'PATCH', `/rest/v1.0/projects/${p1}`, { address: '18 Background Avenue' });
      if (fault.status !== 201 || hook.status !== 201 || edit.status !== 200) throw new Error(`setup failed: ${fault.status}/${hook.status}/${edit.status}`);
      // Until the first attempt has failed, the symptom is only "not yet" (simulator calls are not rate limited).
      for (let i = 0; i < 200; i++) {
        const jobs = await ctx.sim('GET', `/_sim/jobs?project_id=${p1}`);
        if ((jobs.body as { name: string; attempts_made: number }[]).some((j) => j.name === 'webhooks.deliver' && j.attempts_made >= 1)) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return { hook_id: hook.body.id, fault_rule_id: fault.body.id, inbox: box.key };
    },
    async observe(ctx, state): Promise<Symptom> {
      const d = await delivery(ctx, Number(state.hook_id));
      const received = (await inbox.entries(String(state.inbox))).length;
      return {
        present: received === 0,
        description: "The integration's webhook for the project update has not arrived.",
        observed: { received, delivery: d ? { status: d.status, attempts: d.attempts, last_error: d.last_error, next_attempt_at: d.next_attempt_at } : null },
      };
    },
    diagnose: () => ({ project: 'first', symptom: 'not_updating' }),
    async fix(ctx, state) {
      const removed = await ctx.sim('DELETE', `/_sim/faults/${state.fault_rule_id}`);
      const settled = await ctx.sim('POST', `/_sim/settle?project_id=${ctx.project('first')}&timeout_ms=30000`);
      return [`DELETE /_sim/faults/${state.fault_rule_id} → ${removed.status}`, `POST /_sim/settle → ${settled.status}`];
    },
  };
}
