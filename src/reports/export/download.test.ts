import { describe, expect, it, vi } from 'vitest';
import { downloadBytes, exportFileName } from './download';

describe('exportFileName', () => {
  it('keeps letters and digits and turns the rest into dashes', () => {
    expect(exportFileName('attendance', '7B Science', '2025-03-04')).toBe('attendance-7b-science-2025-03-04');
    expect(exportFileName('summary', '../../etc/passwd', '2025-03-01_2025-03-31')).toBe('summary-etc-passwd-2025-03-01_2025-03-31');
    expect(exportFileName('attendance', 'कक्षा 7', '2025-03-04')).toBe('attendance-कक्षा-7-2025-03-04');
    expect(exportFileName('attendance', 'Class: "A" <B> | C?*', new Date(2025, 2, 4, 23, 59))).toBe('attendance-class-a-b-c-2025-03-04');
    expect(exportFileName('attendance', '7B', new Date(2025, 2, 4, 23, 59).toISOString())).toBe('attendance-7b-2025-03-04');
  });

  it('falls back when nothing is left of the name or the date', () => {
    expect(exportFileName('attendance', '***', '/..')).toBe('attendance-class-undated');
    expect(exportFileName('attendance', 'x'.repeat(500), '2025-03-04')).toHaveLength('attendance--2025-03-04'.length + 40);
  });
});

describe('downloadBytes', () => {
  it('clicks a hidden download link for the bytes', () => {
    vi.useFakeTimers();
    const link = { href: '', download: '', rel: '', style: { display: '' }, click: vi.fn(), remove: vi.fn() };
    const doc = { createElement: vi.fn(() => link), body: { append: vi.fn() } } as unknown as Document;
    const revoke = vi.spyOn(URL, 'revokeObjectURL');

    downloadBytes(new Uint8Array([1, 2, 3]), 'a.xlsx', 'application/octet-stream', doc);
    expect(link.download).toBe('a.xlsx');
    expect(link.href).toMatch(/^blob:/);
    expect(link.click).toHaveBeenCalledOnce();
    expect(link.remove).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(60_000);
    expect(revoke).toHaveBeenCalledWith(link.href);
    vi.useRealTimers();
    revoke.mockRestore();
  });
});
