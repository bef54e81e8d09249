import { Action, ruleOf } from './matrix/action-matrix';
import { levelsFrom, TOOL_NAMES } from './matrix/names';

/** Who may perform an action, in words, generated from the matrix (used by /docs and explain). */
export function describeRule(action: Action): string {
  const rule = ruleOf(action);
  const tool = TOOL_NAMES[rule.tool];
  const who: string[] = [];
  if (rule.anyMember) who.push('any active member of the project');
  if (rule.level) who.push(`${levelsFrom(rule.level)} on ${tool}`);
  for (const key of rule.granular ?? []) who.push(`Read Only or Standard with granular '${key}'`);
  if (rule.roles) {
    const needs = rule.roles.alsoNeeds ? ` holding '${rule.roles.alsoNeeds}'` : '';
    const when = rule.roles.onlyWhen ? ` while ${rule.roles.onlyWhen}` : '';
    who.push(`${levelsFrom(rule.roles.minLevel)} on ${tool}${needs} as the item's ${rule.roles.any.join(' or ')}${when}`);
  }
  let text = `${rule.does}. Allowed for ${who.join('; or ')}. A company Directory admin holds Admin on every tool.`;
  if (rule.granularLimits) text += ` Granular holders: ${rule.granularLimits}.`;
  if (rule.privateItems) {
    text += ` Private items only for Admin, the item's ${rule.privateItems.roles.join(', ')}${
      rule.privateItems.granular.length ? `, or ${rule.privateItems.granular.join(' / ')}` : ''
    }.`;
  }
  if (rule.refusedWhen) text += ` Refused with ${rule.refusedWhen.code} while ${rule.refusedWhen.state}.`;
  if (rule.fallback) text += ` Others: ${rule.fallback}.`;
  return text;
}
