import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_TOOLS as TOOLS, type Level } from '../../src/permissions/permission.types';
import { PERSONAS, PROJECT_TEMPLATES } from '../../src/sandboxes/training.fixture';

/**
 * The README's persona table is the training sandbox's documentation: the
 * seeded project templates must grant exactly what it says, tool by tool.
 */

const LEVEL_WORDS: Record<string, Level> = { ADM: 'admin', STD: 'standard', RO: 'read_only', none: 'none' };

interface Documented {
  template: string;
  levels: Record<string, Level>;
  granular: string[];
}

/** `Name: STD rfis (+act_as_rfi_manager), submittals; RO drawings; none budget` → levels and granular keys. */
function parseCell(cell: string): Documented {
  const [template, grants] = cell.split(/:\s*/, 2);
  const levels: Record<string, Level> = {};
  const granular: string[] = [];
  let level: Level | null = null;
  for (const part of grants.split(/[,;]\s*/)) {
    const words = part.trim().split(/\s+/);
    if (words[0] in LEVEL_WORDS) level = LEVEL_WORDS[words.shift()!];
    const [tool, extra] = words;
    if (!level || !tool) throw new Error(`cannot read "${part}" in "${cell}"`);
    levels[tool] = level;
    const key = /^\(\+(\w+)\)$/.exec(extra ?? '');
    if (key) granular.push(`${tool}.${key[1]}`);
  }
  return { template: template.trim(), levels, granular };
}

function documentedTable(): Map<string, Documented> {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The training sandbox'));
  const rows = new Map<string, Documented>();
  for (const line of section.split('\n')) {
    const m = /^\| `(\w+)` \| [^|]+ \| ([^|]+:[^|]+) \|$/.exec(line);
    if (m) rows.set(m[1], parseCell(m[2]));
    if (rows.size && !line.startsWith('|')) break;
  }
  return rows;
}

describe('training templates against the README', () => {
  const table = documentedTable();

  it('documents every persona on a project template', () => {
    const onProjects = PERSONAS.filter((p) => p.projectTemplate).map((p) => p.key);
    expect([...table.keys()].sort()).toEqual([...onProjects].sort());
  });

  it.each(PERSONAS.filter((p) => p.projectTemplate).map((p) => [p.key, p.projectTemplate!]))(
    'seeds %s with exactly the levels and granular keys the table gives',
    (persona, templateKey) => {
      const documented = table.get(persona)!;
      const seeded = PROJECT_TEMPLATES.find((t) => t.key === templateKey)!;
      expect(seeded.name).toBe(documented.template);
      for (const tool of TOOLS) {
        const want = documented.levels[tool] ?? 'none';
        const have = (seeded.levels as Record<string, Level>)[tool] ?? 'none';
        expect({ tool, level: have }).toEqual({ tool, level: want });
      }
      expect([...seeded.granular].sort()).toEqual([...documented.granular].sort());
    },
  );

  it('gives the superintendent Read Only on the project Directory', () => {
    expect(table.get('superintendent')!.levels.directory).toBe('read_only');
  });
});
