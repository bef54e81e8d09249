import { AppError, FieldError } from '../common/errors';
import {
  COMPANY_TOOLS,
  GranularKey,
  isGranularKey,
  Level,
  LEVELS,
  PROJECT_TOOLS,
  TemplateLevels,
  Tool,
  toolOfGranular,
} from '../permissions/permission.types';
import type { TemplateScope } from './entities/permission-template.entity';

/** Checks a template's levels and granular keys against its scope; answers them normalized. */
export function validateTemplateContent(
  scope: TemplateScope,
  levels: Record<string, unknown> | undefined,
  granular: string[] | undefined,
): { levels?: TemplateLevels; granular?: GranularKey[] } {
  const tools: readonly Tool[] = scope === 'company' ? COMPANY_TOOLS : PROJECT_TOOLS;
  const errors: FieldError[] = [];
  let outLevels: TemplateLevels | undefined;
  if (levels !== undefined) {
    outLevels = {};
    for (const [tool, level] of Object.entries(levels)) {
      if (!(tools as readonly string[]).includes(tool)) {
        errors.push({ field: `levels.${tool}`, message: `is not a ${scope} tool (known: ${tools.join(', ')})` });
      } else if (typeof level !== 'string' || !(LEVELS as readonly string[]).includes(level)) {
        errors.push({ field: `levels.${tool}`, message: `must be one of ${LEVELS.join(', ')}` });
      } else {
        outLevels[tool as Tool] = level as Level;
      }
    }
  }
  let outGranular: GranularKey[] | undefined;
  if (granular !== undefined) {
    outGranular = [];
    granular.forEach((key, i) => {
      if (!isGranularKey(key)) {
        errors.push({ field: `granular[${i}]`, message: `"${key}" is not a granular permission key (tool.key)` });
      } else if (!(tools as readonly string[]).includes(toolOfGranular(key))) {
        errors.push({ field: `granular[${i}]`, message: `"${key}" belongs to a tool outside this ${scope} template` });
      } else if (!outGranular!.includes(key)) {
        outGranular!.push(key);
      }
    });
  }
  if (errors.length) throw AppError.validation(errors, 'The permission template has invalid levels or granular keys.');
  return { levels: outLevels, granular: outGranular };
}
