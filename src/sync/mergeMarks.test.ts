import { describe, expect, it } from 'vitest';
import type { MarkRow } from '@/db/rows';
import { mergeMarks, mergeRow } from './mergeMarks';

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
  it('takes the server mark when the device has none', () => {
    const incoming = mark({ id: 'm-server', serverUpdatedAt: '2026-11-20T08:02:00.000001+00:00' });
    expect(mergeMarks(undefined, incoming, alive)).toEqual({ keep: incoming, history: [] });
  });

  it('lets a manual mark beat an automatic one, in either order', () => {
    const manual = mark({ id: 'a', status: 'absent', source: 'manual', confidence: null, markedAt: '2026-11-20T08:00:00Z' });
    const auto = mark({ id: 'b', status: 'present', source: 'auto', confidence: 0.99, markedAt: '2026-11-20T09:00:00Z', serverUpdatedAt: '2026-11-20T09:00:01Z' });
    const localManual = mergeMarks(manual, auto, alive);
    const localAuto = mergeMarks(auto, { ...manual, serverUpdatedAt: '2026-11-20T08:00:01Z' }, alive);
    expect(content(localManual.keep)).toEqual(content(manual));
    expect(content(localAuto.keep)).toEqual(content(manual));
    expect(localManual.history).toEqual([]);
    expect(localAuto.history).toEqual([]);
    // The device adopts the server's id.
    expect(localManual.keep!.id).toBe('b');
    expect(localAuto.keep!.id).toBe('a');
  });

  it('of two manual marks keeps the later marked, as the server does, and returns the other as history', () => {
    const later = mark({ id: 'x', status: 'late', source: 'manual', confidence: null, markedAt: '2026-11-20T10:00:00Z', serverUpdatedAt: '2026-11-20T10:00:00Z' });
    // Marked earlier, offline, and sent later: the server refuses it as stale, so the device must not keep it.
    const earlier = mark({ id: 'y', status: 'excused', source: 'manual', confidence: null, markedAt: '2026-11-20T09:00:00Z', serverUpdatedAt: '2026-11-20T11:00:00Z' });
    for (const [local, incoming] of [
      [later, earlier],
      [earlier, later],
      [{ ...earlier, serverUpdatedAt: undefined }, later],
    ] as const) {
      const merged = mergeMarks(local, incoming, alive);
      expect(merged.keep!.status).toBe('late');
      expect(merged.history.map((m) => m.status)).toEqual(['excused']);
    }
  });

  it('breaks a tie in server time by id, and counts a change not yet pushed as the latest', () => {
    const at = '2026-11-20T10:00:00Z';
    const a = mark({ id: 'a', status: 'late', source: 'manual', confidence: null, serverUpdatedAt: at });
    const b = mark({ id: 'b', status: 'absent', source: 'manual', confidence: null, serverUpdatedAt: at });
    expect(mergeMarks(a, b, alive).keep!.status).toBe('absent');
    expect(mergeMarks(b, a, alive).keep!.status).toBe('absent');
    const pending = mark({ id: 'a', status: 'excused', source: 'manual', confidence: null });
    const merged = mergeMarks(pending, b, alive);
    expect(merged.keep!.status).toBe('excused');
    expect(merged.history).toEqual([b]);
  });

  it('keeps one mark when two phones recognise the same student: earliest status, highest confidence', () => {
    const phoneA = mark({ id: 'a', status: 'present', confidence: 0.82, markedAt: '2026-11-20T08:01:00Z', device: 'phone-a' });
    const phoneB = mark({ id: 'b', status: 'late', confidence: 0.97, markedAt: '2026-11-20T08:20:00Z', device: 'phone-b', serverUpdatedAt: '2026-11-20T08:21:00Z' });
    const one = mergeMarks(phoneA, phoneB, alive);
    const other = mergeMarks({ ...phoneB, serverUpdatedAt: undefined }, { ...phoneA, serverUpdatedAt: '2026-11-20T08:02:00Z' }, alive);
    expect(content(one.keep)).toEqual({ status: 'present', source: 'auto', confidence: 0.97, markedAt: '2026-11-20T08:01:00Z' });
    expect(content(other.keep)).toEqual(content(one.keep));
    expect(one.history).toEqual([]);
    expect(one.keep!.id).toBe('b');
  });

  it('lets a sighting beat an automatic absence left by finalising, however much earlier the absence', () => {
    const absent = mark({ id: 'a', status: 'absent', confidence: null, markedAt: '2026-11-20T08:00:00Z', device: 'phone-a' });
    const seen = mark({ id: 'b', status: 'late', confidence: 0.88, markedAt: '2026-11-20T08:40:00Z', device: 'phone-b' });
    const fromServer = (m: MarkRow) => ({ ...m, serverUpdatedAt: '2026-11-20T08:41:00Z' });
    for (const merged of [mergeMarks(absent, fromServer(seen), alive), mergeMarks(seen, fromServer(absent), alive)]) {
      expect(content(merged.keep)).toEqual(content(seen));
      expect(merged.keep!.device).toBe('phone-b');
    }
  });

  it('drops a mark of a deleted student, whether the device has one or not', () => {
    const incoming = mark({ id: 'm-server', serverUpdatedAt: '2026-11-20T08:02:00Z' });
    expect(mergeMarks(undefined, incoming, { studentDeleted: true })).toEqual({ keep: null, history: [] });
    expect(mergeMarks(mark({ source: 'manual', confidence: null }), incoming, { studentDeleted: true }).keep).toBeNull();
  });
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
