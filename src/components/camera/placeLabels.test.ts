import { describe, expect, it } from 'vitest';
import { LABEL_CHAR_EM, placeLabels, type PlacedLabel } from './placeLabels';

const FRAME = { width: 1280, height: 720 };
const FONT = FRAME.width / 22;

function rect(l: PlacedLabel) {
  return { left: l.x, right: l.x + l.text.length * FONT * LABEL_CHAR_EM, top: l.y - FONT, bottom: l.y + FONT * 0.2 };
}
const overlap = (a: ReturnType<typeof rect>, b: ReturnType<typeof rect>) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

describe('placeLabels', () => {
  it('keeps neighbouring faces’ names apart and inside the picture', () => {
    // Three faces side by side, closer together than their names are long, one at the very top edge.
    const boxes = [
      { x: 300, y: 0, width: 140, height: 160, label: 'Penny Hofstadter' },
      { x: 460, y: 40, width: 140, height: 160, label: 'Penny Hofstadter?' },
      { x: 1180, y: 300, width: 100, height: 120, label: 'Amy Farrah Fowler' },
    ];
    const placed = placeLabels(boxes, FRAME, FONT);
    const shown = placed.filter((p): p is PlacedLabel => p !== null);
    expect(shown).toHaveLength(3);
    for (const p of shown) {
      const r = rect(p);
      expect(r.left).toBeGreaterThanOrEqual(0);
      expect(r.right).toBeLessThanOrEqual(FRAME.width);
      expect(r.top).toBeGreaterThanOrEqual(0);
      expect(r.bottom).toBeLessThanOrEqual(FRAME.height);
    }
    for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) expect(overlap(rect(shown[i]!), rect(shown[j]!))).toBe(false);
  });

  it('writes the whole name when there is room, and nothing for a box without a label', () => {
    const placed = placeLabels([{ x: 100, y: 200, width: 200, height: 200, label: 'Ana Lima' }, { x: 800, y: 200, width: 200, height: 200 }], FRAME, FONT);
    expect(placed[0]?.text).toBe('Ana Lima');
    expect(placed[1]).toBeNull();
  });
});
