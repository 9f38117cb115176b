/** MTTx metrics, from the milestones. A metric is missing when a milestone is, or when the difference is negative. */
export const METRICS = [
  { key: 'time_to_detect', label: 'Time to detect', from: 'started', to: 'detected' },
  { key: 'time_to_acknowledge', label: 'Time to acknowledge', from: 'started', to: 'declared' },
  { key: 'time_to_mitigate', label: 'Time to mitigate', from: 'declared', to: 'mitigated' },
  { key: 'time_to_recover', label: 'Time to recover', from: 'started', to: 'recovered' },
  { key: 'time_to_resolve', label: 'Time to resolve', from: 'started', to: 'resolved' },
] as const;

export type MetricKey = (typeof METRICS)[number]['key'];
export type Milestones = Partial<Record<'started' | 'detected' | 'declared' | 'mitigated' | 'recovered' | 'resolved', Date | null | undefined>>;

export function computeMetrics(milestones: Milestones): Partial<Record<MetricKey, number>> {
  const result: Partial<Record<MetricKey, number>> = {};
  for (const metric of METRICS) {
    const from = milestones[metric.from];
    const to = milestones[metric.to];
    if (!from || !to) continue;
    const ms = to.getTime() - from.getTime();
    if (ms >= 0) result[metric.key] = ms;
  }
  return result;
}

/** "1 h 05 min", "3 min", "45 s", "2 d 4 h": short enough for a Slack field. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
