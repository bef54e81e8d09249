/**
 * A short integration written against the client that openapi-typescript
 * generates from /docs/openapi.json (test/e2e/openapi.e2e-spec.ts generates it
 * and type-checks this file with --strict). It must compile as an integrator
 * would write it, and the `@ts-expect-error` lines must stay errors: the
 * document is exact enough that a wrong field or a wrong type is caught.
 */
import type { components, paths } from './generated/sitesim';

type Rfi = components['schemas']['Rfi'];
type RfiList = paths['/rest/v1.0/projects/{project_id}/rfis']['get']['responses'][200]['content']['application/json'];
type CreateRfi = NonNullable<paths['/rest/v1.0/projects/{project_id}/rfis']['post']['requestBody']>['content']['application/json'];
type Created = paths['/rest/v1.0/projects/{project_id}/rfis']['post']['responses'][201]['content']['application/json'];
type Refused = paths['/rest/v1.0/projects/{project_id}/rfis']['post']['responses'][403]['content']['application/json'];
type Token = paths['/oauth/token']['post']['responses'][200]['content']['application/json'];
type TokenError = paths['/oauth/token']['post']['responses'][400]['content']['application/json'];
type ListQuery = NonNullable<paths['/rest/v1.0/projects/{project_id}/rfis']['get']['parameters']['query']>;
type Clock = paths['/_sim/sandboxes/{sandbox_id}/clock']['get']['responses'][200]['content']['application/json'];

export function overdueSubjects(list: RfiList): string[] {
  return list.filter((r: Rfi) => r.overdue && r.status === 'open').map((r) => r.subject);
}

export function courtNames(rfi: Created): string[] {
  const manager: string | undefined = rfi.rfi_manager?.name;
  return [...rfi.ball_in_court.map((u) => u.name), ...(manager ? [manager] : [])];
}

export const question: CreateRfi = {
  subject: 'Stair stringer size at grid K9',
  question: 'Drawing S-301 shows C10; the schedule shows C12. Which governs?',
  rfi_manager_id: 12,
  assignee_ids: [14],
  draft: false,
  due_date: '2026-12-09',
};

export function whyRefused(answer: Refused): string {
  const { code, message, details } = answer.error;
  return `${code}: ${message} (${JSON.stringify(details)})`;
}

export function bearer(token: Token): string {
  const seconds: number = token.expires_in;
  return `Bearer ${token.access_token} (${seconds} s)`;
}

export function oauthReason(answer: TokenError): string {
  return `${answer.error}: ${answer.error_description}`;
}

export const page: ListQuery = { page: 2, per_page: 50 };

export function sandboxDay(clock: Clock): string {
  return clock.frozen ? `${clock.now} (frozen)` : clock.now;
}

// The document is exact: these stay type errors.
// @ts-expect-error subject is required
export const noSubject: CreateRfi = { question: 'Which governs?' };
// @ts-expect-error assignee ids are integers
export const badIds: CreateRfi = { subject: 's', question: 'q', assignee_ids: ['14'] };
// @ts-expect-error an RFI has no field "assignee"
export const unknownField = (r: Rfi) => r.assignee;
// @ts-expect-error status is one of draft, open, closed
export const badStatus: Rfi['status'] = 'pending';
