import { AppError, FieldError } from '../../common/errors';
import { MAX_ID } from '../../directory/dto/common-fields';
import { ACTIVITY_LIMITS, WORKFLOW_NAMES, WorkflowName } from './activity-plan';
import type { StartActivity } from './activity.service';

const FIELDS = ['project_id', 'sandbox_id', 'rate_per_minute', 'duration_seconds', 'users_per_persona', 'mix', 'seed'];

/** The body of `POST /_sim/activity`, checked field by field (every problem named at once; nothing starts). */
export function parseStartActivity(body: unknown): StartActivity {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw AppError.validation([{ field: 'body', message: 'must be a JSON object' }]);
  const b = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(b)) if (!FIELDS.includes(key)) errors.push({ field: key, message: `is not a field of an activity (${FIELDS.join(', ')})` });
  const int = (field: string, min: number, max: number, required: boolean): number | undefined => {
    const v = b[field];
    if (v === undefined || v === null) {
      if (required) errors.push({ field, message: 'is required' });
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      errors.push({ field, message: `must be a whole number from ${min} to ${max}` });
      return undefined;
    }
    return v;
  };
  const project_id = int('project_id', 1, MAX_ID, true);
  const sandbox_id = int('sandbox_id', 1, MAX_ID, false);
  const duration_seconds = int('duration_seconds', 1, ACTIVITY_LIMITS.duration_seconds, true);
  const users_per_persona = int('users_per_persona', 1, ACTIVITY_LIMITS.users_per_persona, false) ?? 1;
  const seed = int('seed', 0, 2_147_483_647, false);
  const rate = b.rate_per_minute;
  let rate_per_minute: number | undefined;
  if (rate === undefined || rate === null) errors.push({ field: 'rate_per_minute', message: 'is required' });
  else if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0.1 || rate > ACTIVITY_LIMITS.rate_per_minute) {
    errors.push({ field: 'rate_per_minute', message: `must be a number from 0.1 to ${ACTIVITY_LIMITS.rate_per_minute}` });
  } else rate_per_minute = rate;
  const mix: Partial<Record<WorkflowName, number>> = {};
  const rawMix = b.mix;
  if (rawMix === undefined || rawMix === null) errors.push({ field: 'mix', message: `is required: weights of ${WORKFLOW_NAMES.join(', ')}` });
  else if (typeof rawMix !== 'object' || Array.isArray(rawMix)) errors.push({ field: 'mix', message: 'must be an object of weights' });
  else {
    for (const [key, weight] of Object.entries(rawMix as Record<string, unknown>)) {
      if (!(WORKFLOW_NAMES as string[]).includes(key)) errors.push({ field: `mix.${key}`, message: `is not a workflow (${WORKFLOW_NAMES.join(', ')})` });
      else if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 1000) errors.push({ field: `mix.${key}`, message: 'must be a weight from 0 to 1000' });
      else mix[key as WorkflowName] = weight;
    }
    if (!errors.some((e) => e.field.startsWith('mix')) && !Object.values(mix).some((w) => (w ?? 0) > 0)) errors.push({ field: 'mix', message: 'needs at least one workflow with a weight above 0' });
  }
  if (errors.length) throw AppError.validation(errors);
  return { project_id: project_id!, sandbox_id, rate_per_minute: rate_per_minute!, duration_seconds: duration_seconds!, users_per_persona, mix, seed };
}
