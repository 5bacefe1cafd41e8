/**
 * Markdown of a comparison run: the machine header, then one table per scenario with a column per
 * scheduler and the ratios ours/pg_cron and ours/pgAgent, then targets and notes. Written to
 * bench/results/<YYYY-MM-DD>-<hostname>.md and printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MachineInfo } from './machine.ts';
import type { Cell, MetricRow, Section } from './report-model.ts';

export const resultsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');

function formatNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatCell(cell: Cell, digits: number): string {
  if (cell === undefined) return '—';
  return typeof cell === 'number' ? formatNumber(cell, digits) : cell;
}

/** ours / other, two significant digits; blank when either is not a positive number. */
function ratio(row: MetricRow, other: 'pg_cron' | 'pgAgent'): string {
  const ours = row.values.ours;
  const theirs = row.values[other];
  if (row.better === 'none' || typeof ours !== 'number' || typeof theirs !== 'number' || !Number.isFinite(ours) || !Number.isFinite(theirs) || theirs === 0) return '';
  const r = ours / theirs;
  return r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toPrecision(2);
}

export function renderSection(section: Section): string {
  const lines = [`### ${section.title}`, '', ...section.intro.map((s) => s), ''];
  if (section.intro.length === 0) lines.splice(1, 1);
  lines.push('| metric | ours | pg_cron | pgAgent | ours/pg_cron | ours/pgAgent | target for ours |');
  lines.push('|---|---:|---:|---:|---:|---:|---|');
  for (const row of section.rows) {
    const d = row.digits ?? 0;
    const target = row.target ? `${row.target.text}: ${row.target.met === undefined ? 'not measured' : row.target.met ? '**met**' : '**missed**'}` : '';
    lines.push(`| ${row.metric} | ${formatCell(row.values.ours, d)} | ${formatCell(row.values.pg_cron, d)} | ${formatCell(row.values.pgAgent, d)} | ${ratio(row, 'pg_cron')} | ${ratio(row, 'pgAgent')} | ${target} |`);
  }
  if (section.notes.length) lines.push('', ...section.notes);
  return lines.join('\n');
}

export function renderMachine(m: MachineInfo): string {
  return [
    `Machine: ${m.host}, nproc ${m.nproc}, ${m.cpu}, ${m.memoryGiB} GiB memory; Node ${m.node}; load average (1/5/15 min) ${m.loadAtStart} at the start.`,
    `PostgreSQL: ${m.postgres} (Debian's binaries, a throwaway cluster made for the run). Versions: ${Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    `Settings changed from initdb's defaults: ${m.settings.map((s) => `\`${s.name} = ${s.setting}\``).join(', ')}.`,
    `Ceiling of the box (pgbench, one \`INSERT\` of one row per transaction, synchronous_commit on): ${m.pgbench.map((p) => `${formatNumber(p.tps, 0)} tps with ${p.clients} client${p.clients > 1 ? 's' : ''}`).join(', ')}.`,
  ].join('\n\n');
}

export interface Report {
  title: string;
  machine: MachineInfo;
  preamble: string[];
  sections: Section[];
  problems: string[];
  /** Where ours spends its time (activity profiles), quoted for missed targets. */
  profiles: string[];
  endLine: string;
}

export function renderReport(report: Report): string {
  const parts = [`# ${report.title}`, renderMachine(report.machine), ...report.preamble, ...report.sections.map(renderSection)];
  if (report.profiles.length) {
    parts.push(
      '### Where ours spends its time',
      'Sampled while ours ran the scenarios above; the basis for the "why" of a missed target. Reading the wait events: `Lock:object` is the heavyweight lock PostgreSQL takes at commit to serialise every transaction that sent a NOTIFY (one lock for the whole cluster); `LWLock:WALWrite` and `IO:WALSync` are commits waiting for the WAL flush (synchronous_commit on; the INSERT lines are the jobs\' own commits); `CPU` is a backend executing.', report.profiles.map((p) => `- ${p.replace(/\|/g, '\\|')}`).join('\n'),
    );
  }
  if (report.problems.length) {
    parts.push('### Problems noticed during the run', [...new Set(report.problems)].slice(0, 40).map((p) => `- ${p.replace(/\|/g, '\\|').slice(0, 400)}`).join('\n'));
  }
  parts.push(report.endLine);
  return parts.join('\n\n') + '\n';
}

/** bench/results/<YYYY-MM-DD>-<hostname>[-quick].md; returns the path. */
export function writeReport(markdown: string, host: string, quick: boolean): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${new Date().toISOString().slice(0, 10)}-${host.replace(/[^A-Za-z0-9.-]+/g, '_')}${quick ? '-quick' : ''}.md`);
  writeFileSync(file, markdown);
  return file;
}
