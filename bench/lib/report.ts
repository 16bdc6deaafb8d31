// Shared helpers for the benchmarks: machine header, statistics, markdown tables, timing loops.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** One line naming the machine the figures come from, printed above every table. */
export function machineLine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  return `${cpus.length} cores, ${model}, Node ${process.version}, load average (1/5/15 min) ${load}`;
}

/** Processes other than this benchmark that use CPU right now (from ps), to state in the report. */
export function busyProcesses(minCpuPercent = 20): string[] {
  try {
    const out = execFileSync('ps', ['-eo', 'pid,pcpu,comm', '--sort=-pcpu'], { encoding: 'utf8' });
    return out
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter(
        (parts) => parts.length >= 3 && Number(parts[1]) >= minCpuPercent && Number(parts[0]) !== process.pid,
      )
      .map((parts) => `${parts[2]} (${parts[1]}% CPU)`);
  } catch {
    return [];
  }
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** A markdown table; numbers are expected pre-formatted. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(String).join(' | ')} |`);
  return lines.join('\n');
}

export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return 'n/a';
  return `${fmt(a / b, 1)}x`;
}

export function mb(bytes: number): string {
  return fmt(bytes / 1024 / 1024, 1);
}
