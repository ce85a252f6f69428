/** The school's and each class's figures, read out of the roles function's metrics answer, in words. */

export interface DeliveryFigures {
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  failure_rate: number | null;
}

export interface ScopeFigures {
  recognition: { events: number; timed: number; p50_ms: number | null; p90_ms: number | null; p99_ms: number | null };
  marks: { total: number; by_source: { auto: number; manual: number }; by_status: Record<string, number> };
  notifications: { all: DeliveryFigures; sms: DeliveryFigures; email: DeliveryFigures };
}

export interface SchoolMetrics {
  school_id: string;
  from: string;
  to: string;
  school: ScopeFigures;
  classes: (ScopeFigures & { class_id: string; name: string; deleted: boolean })[];
}

export function figuresOfClass(metrics: SchoolMetrics | null, classId: string): ScopeFigures | null {
  return metrics?.classes.find((c) => c.class_id === classId) ?? null;
}

/** "1 failed of 4 sent (25%)" style words for a delivery count. */
export function deliveryWords(d: DeliveryFigures | undefined): string {
  if (!d) return 'No figures yet.';
  const tried = d.sent + d.delivered + d.failed;
  if (tried === 0) return d.queued ? `${d.queued} waiting to be sent.` : 'No messages in this period.';
  const rate = d.failure_rate === null ? '' : ` (${(d.failure_rate * 100).toFixed(d.failure_rate < 0.1 ? 1 : 0)}% failed)`;
  return `${tried} sent: ${d.delivered} delivered, ${d.failed} failed${rate}${d.queued ? `; ${d.queued} waiting` : ''}.`;
}

export const ms = (v: number | null | undefined) => (v == null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

/** The start of a period of `days` days ending now, for the metrics call. */
export function periodStart(days: number, now: Date): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}
