import { describe, expect, it } from 'vitest';
import { casesOf, MARK_PRECEDENCE, type MarkCase, MERGE_SIGHTINGS, type TimeOrder } from '@contracts/markPrecedence';
import type { MarkRow } from '@/db/sessions';
import { decideMark, type MarkFacts, mergeMarks, mergeRow, mergeSightings } from './mergeMarks';

const mark = (overrides: Partial<MarkRow>): MarkRow => ({
  id: 'm-local',
  sessionId: 's1',
  studentId: 'st1',
  status: 'present',
  source: 'auto',
  confidence: 0.9,
  markedAt: '2026-11-20T08:01:00Z',
  device: 'phone-a',
  updatedAt: '2026-11-20T08:01:00Z',
  ...overrides,
});
const alive = { studentDeleted: false };
const content = (m: MarkRow | null) => m && { status: m.status, source: m.source, confidence: m.confidence, markedAt: m.markedAt };

describe('mergeMarks', () => {
  const pending = { studentDeleted: false, pending: true };
  const fromServer = (m: MarkRow, at = '2026-11-20T12:00:00.000001+00:00'): MarkRow => ({ ...m, serverUpdatedAt: at });

  it('takes the server mark when the device has none', () => {
    const incoming = mark({ id: 'm-server', serverUpdatedAt: '2026-11-20T08:02:00.000001+00:00' });
    expect(mergeMarks(undefined, incoming, alive)).toEqual({ keep: incoming, history: [] });
  });

  it('takes the server mark when nothing of the device is on its way: the server has seen it and decided', () => {
    // A phone whose clock ran ahead: the server took its mark at the server's time; the phone must not send it again.
    const local = mark({ status: 'present', source: 'manual', confidence: null, markedAt: '2026-11-22T08:00:00.000Z' });
    const server = fromServer({ ...local, id: 'm-server', markedAt: '2026-11-20T08:00:00.000Z' });
    expect(mergeMarks(local, server, alive)).toEqual({ keep: server, history: [] });
    // Another phone's later manual mark beat this one: it goes to the history.
    const other = fromServer(mark({ id: 'm-server', status: 'absent', source: 'manual', confidence: null, markedAt: '2026-11-22T09:00:00.000Z' }));
    expect(mergeMarks(local, other, alive)).toEqual({ keep: other, history: [local] });
  });

  it('lets a manual mark on its way beat an automatic one, and an automatic one on its way lose to a manual one', () => {
    const manual = mark({ id: 'a', status: 'absent', source: 'manual', confidence: null, markedAt: '2026-11-20T08:00:00Z' });
    const auto = mark({ id: 'b', status: 'present', source: 'auto', confidence: 0.99, markedAt: '2026-11-20T09:00:00Z' });
    const localManual = mergeMarks(manual, fromServer(auto), pending);
    const localAuto = mergeMarks(auto, fromServer(manual), pending);
    expect(content(localManual.keep)).toEqual(content(manual));
    expect(content(localAuto.keep)).toEqual(content(manual));
    // The device adopts the server's id.
    expect(localManual.keep!.id).toBe('b');
    expect(localAuto.keep!.id).toBe('a');
  });

  it('of two manual marks keeps the later marked, as the server does, and returns the other as history', () => {
    const later = mark({ id: 'x', status: 'late', source: 'manual', confidence: null, markedAt: '2026-11-20T10:00:00Z' });
    const earlier = mark({ id: 'y', status: 'excused', source: 'manual', confidence: null, markedAt: '2026-11-20T09:00:00Z' });
    for (const [local, incoming] of [
      [later, earlier],
      [earlier, later],
    ] as const) {
      const merged = mergeMarks(local, fromServer(incoming), pending);
      expect(merged.keep!.status).toBe('late');
      expect(merged.history.map((m) => m.status)).toEqual(['excused']);
    }
  });

  it('keeps one mark when two phones recognise the same student: earliest status, highest confidence', () => {
    const phoneA = mark({ id: 'a', status: 'present', confidence: 0.82, markedAt: '2026-11-20T08:01:00Z', device: 'phone-a' });
    const phoneB = mark({ id: 'b', status: 'late', confidence: 0.97, markedAt: '2026-11-20T08:20:00Z', device: 'phone-b' });
    const one = mergeMarks(phoneA, fromServer(phoneB), pending);
    const other = mergeMarks(phoneB, fromServer(phoneA), pending);
    expect(content(one.keep)).toEqual({ status: 'present', source: 'auto', confidence: 0.97, markedAt: '2026-11-20T08:01:00Z' });
    expect(content(other.keep)).toEqual(content(one.keep));
    expect(one.history).toEqual([]);
    expect(one.keep!.id).toBe('b');
  });

  it('lets a sighting beat an automatic absence left by finalising, however much earlier the absence', () => {
    const absent = mark({ id: 'a', status: 'absent', confidence: null, markedAt: '2026-11-20T08:00:00Z', device: 'phone-a' });
    const seen = mark({ id: 'b', status: 'late', confidence: 0.88, markedAt: '2026-11-20T08:40:00Z', device: 'phone-b' });
    for (const merged of [mergeMarks(absent, fromServer(seen), pending), mergeMarks(seen, fromServer(absent), pending)]) {
      expect(content(merged.keep)).toEqual(content(seen));
      expect(merged.keep!.device).toBe('phone-b');
    }
  });

  it('keeps the faces this device saw on a sighting the server holds', () => {
    const evidence = [{ face: 'p1-0', confidence: 0.9, at: '2026-11-20T08:01:00Z' }];
    const local = mark({ evidence });
    expect(mergeMarks(local, fromServer({ ...local, id: 'm-server', evidence: undefined }), alive).keep!.evidence).toEqual(evidence);
  });

  it('drops a mark of a deleted student, whether the device has one or not', () => {
    const incoming = mark({ id: 'm-server', serverUpdatedAt: '2026-11-20T08:02:00Z' });
    expect(mergeMarks(undefined, incoming, { studentDeleted: true })).toEqual({ keep: null, history: [] });
    expect(mergeMarks(mark({ source: 'manual', confidence: null }), incoming, { studentDeleted: true }).keep).toBeNull();
  });
});

describe('decideMark', () => {
  const sighting = (markedAt: string, status: MarkRow['status'] = 'present') => ({ status, source: 'auto' as const, confidence: 0.9, markedAt });
  const byHand = (markedAt: string, status: MarkRow['status'] = 'present') => ({ status, source: 'manual' as const, confidence: null, markedAt });
  const cleared = <T extends object>(m: T, at = '2026-11-20T09:30:00Z') => ({ ...m, clearedAt: at });

  it('lets a clear of the stored sighting ("not Aarav") take it back, and a clear of another sighting leave it', () => {
    expect(decideMark(sighting('2026-11-20T08:01:00Z'), cleared(sighting('2026-11-20T08:01:00Z')))).toBe('arriving');
    // Another phone saw the student earlier: that sighting stands.
    expect(decideMark(sighting('2026-11-20T08:00:00Z'), cleared(sighting('2026-11-20T08:01:00Z')))).toBe('stored');
  });

  it('lets a sighting replace a cleared automatic mark, and an automatic absence replace it at Finish', () => {
    expect(decideMark(cleared(sighting('2026-11-20T08:01:00Z')), sighting('2026-11-20T08:20:00Z', 'late'))).toBe('arriving');
    expect(decideMark(cleared(sighting('2026-11-20T08:01:00Z')), sighting('2026-11-20T09:40:00Z', 'absent'))).toBe('arriving');
  });

  it('orders a clear by hand with the manual marks, and lets only a later sighting bring the student back', () => {
    expect(decideMark(byHand('2026-11-20T08:05:00Z', 'absent'), cleared(byHand('2026-11-20T08:10:00Z')))).toBe('arriving');
    expect(decideMark(cleared(byHand('2026-11-20T08:10:00Z')), byHand('2026-11-20T08:05:00Z', 'absent'))).toBe('stored');
    expect(decideMark(cleared(byHand('2026-11-20T08:10:00Z')), sighting('2026-11-20T08:05:00Z'))).toBe('stored');
    expect(decideMark(cleared(byHand('2026-11-20T08:10:00Z')), sighting('2026-11-20T08:15:00Z'))).toBe('arriving');
    expect(decideMark(byHand('2026-11-20T08:10:00Z'), sighting('2026-11-20T08:15:00Z'))).toBe('stored');
    // Whichever arrives first: a clear made before the sighting leaves it.
    expect(decideMark(sighting('2026-11-20T08:15:00Z'), cleared(byHand('2026-11-20T08:10:00Z')))).toBe('stored');
    expect(decideMark(sighting('2026-11-20T08:05:00Z'), cleared(byHand('2026-11-20T08:10:00Z')))).toBe('arriving');
  });

  it('merges two live sightings', () => {
    expect(decideMark(sighting('2026-11-20T08:01:00Z'), sighting('2026-11-20T08:02:00Z'))).toBe('merge');
  });
});

describe('the decision table on the phone', () => {
  const STORED_AT = '2026-11-20T08:10:00.000Z';
  const ARRIVING_AT: Record<TimeOrder, string> = { before: '2026-11-20T08:09:59.999Z', same: STORED_AT, after: '2026-11-20T08:10:00.001Z' };
  const facts = (c: MarkCase, markedAt: string, status: MarkFacts['status'] = 'present'): MarkFacts => ({
    status,
    source: c.source,
    confidence: c.source === 'auto' ? 0.9 : null,
    markedAt,
    clearedAt: c.cleared ? markedAt : null,
  });

  for (const row of MARK_PRECEDENCE) {
    it(`${row.winner}: ${row.why}`, () => {
      for (const c of casesOf(row)) {
        expect(decideMark(facts(c.stored, STORED_AT), facts(c.arriving, ARRIVING_AT[c.arrives])), JSON.stringify(c)).toBe(row.winner);
      }
    });
  }

  for (const row of MERGE_SIGHTINGS) {
    it(`merging sightings keeps the ${row.keeps} one's status and time when ${row.stored} meets ${row.arriving}: ${row.why}`, () => {
      const sighting = { source: 'auto', cleared: false } as const;
      for (const arrives of row.arrives) {
        const stored = facts(sighting, STORED_AT, row.stored === 'absent' ? 'absent' : 'present');
        const arriving = { ...facts(sighting, ARRIVING_AT[arrives], row.arriving === 'absent' ? 'absent' : 'late'), confidence: 0.95 };
        const merged = mergeSightings(stored, arriving);
        const kept = row.keeps === 'stored' ? stored : arriving;
        expect({ status: merged.status, markedAt: merged.markedAt }, arrives).toEqual({ status: kept.status, markedAt: kept.markedAt });
        expect(merged.confidence).toBe(0.95);
      }
    });
  }
});

describe('mergeRow', () => {
  const row = (updatedAt: string, name: string, deletedAt: string | null = null) => ({ id: 'c1', updatedAt, name, deletedAt });

  it('keeps the later write, from either side', () => {
    expect(mergeRow(row('2026-01-02', 'new'), row('2026-01-01', 'old')).name).toBe('new');
    expect(mergeRow(row('2026-01-01', 'old'), row('2026-01-02', 'new')).name).toBe('new');
    expect(mergeRow(undefined, row('2026-01-01', 'first')).name).toBe('first');
  });

  it('keeps a deleted row deleted, whichever side deleted it and however late the other edit', () => {
    const deleted = row('2026-01-01', 'gone', '2026-01-01');
    const edited = row('2026-03-01', 'renamed');
    expect(mergeRow(deleted, edited).deletedAt).toBe('2026-01-01');
    expect(mergeRow(edited, deleted).deletedAt).toBe('2026-01-01');
    expect(mergeRow(row('2026-01-05', 'a', '2026-01-05'), row('2026-01-03', 'b', '2026-01-03')).deletedAt).toBe('2026-01-03');
  });
});
