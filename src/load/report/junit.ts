import { LoadReport } from './report';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML for CI: one testcase per threshold, failed with what was measured. */
export function junitXml(r: LoadReport): string {
  const failures = r.thresholds.filter((t) => !t.ok).length;
  const time = (r.elapsed_ms / 1000).toFixed(3);
  const cases = r.thresholds.map((t) => {
    const name = xml(t.source);
    const where = t.line ? ` (${xml(r.plan.file)}:${t.line})` : '';
    return t.ok
      ? `    <testcase classname="load.${xml(r.plan.name)}.thresholds" name="${name}" time="${time}"><system-out>${xml(t.observed)}</system-out></testcase>`
      : `    <testcase classname="load.${xml(r.plan.name)}.thresholds" name="${name}" time="${time}">\n      <failure message="${xml(`${t.source}: ${t.observed}`)}" type="threshold">${xml(`measured ${t.observed}${where}`)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="load" tests="${r.thresholds.length}" failures="${failures}" time="${time}">`,
    `  <testsuite name="load: ${xml(r.plan.name)}" tests="${r.thresholds.length}" failures="${failures}" errors="0" skipped="0" time="${time}" timestamp="${r.started_at}">`,
    `    <properties><property name="target" value="${xml(r.plan.target)}"/><property name="http_reqs" value="${r.totals.http_reqs}"/><property name="error_rate" value="${r.totals.error_rate}"/></properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
