/**
 * Where each box's name goes on the camera picture. Written at the box's
 * corner, names of faces side by side ran into each other and off the top
 * of the frame on a phone, so each label is tried above its box, below it
 * and inside its top edge, kept inside the frame, and shortened (first name,
 * then initials) before it may cover another; one that fits nowhere is left out.
 */
export interface LabelBox {
  x: number;
  y: number;
  width: number;
  height: number;
  label?: string;
}

/** `y` is the text's baseline, in frame units like the boxes. */
export interface PlacedLabel {
  text: string;
  x: number;
  y: number;
}

/** A bold system font's average character, in ems, rounded up so estimates err towards more room. */
export const LABEL_CHAR_EM = 0.62;

interface Area {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function placeLabels(boxes: readonly LabelBox[], frame: { width: number; height: number }, fontSize: number): (PlacedLabel | null)[] {
  const taken: Area[] = [];
  const height = fontSize * 1.2;
  return boxes.map((box) => {
    if (!box.label) return null;
    for (const text of shorterForms(box.label)) {
      const width = text.length * fontSize * LABEL_CHAR_EM;
      if (width > frame.width) continue;
      const left = Math.min(Math.max(0, box.x), frame.width - width);
      for (const top of [box.y - height - 2, box.y + box.height + 2, box.y + 2]) {
        const area = { left, top, right: left + width, bottom: top + height };
        if (top < 0 || area.bottom > frame.height || taken.some((t) => overlaps(t, area))) continue;
        taken.push(area);
        return { text, x: left, y: top + fontSize };
      }
    }
    return null;
  });
}

/** "Penny Hofstadter?" → "Penny?" → "PH?": the mark of doubt stays. */
function shorterForms(label: string): string[] {
  const doubt = /[?…]$/.exec(label)?.[0] ?? '';
  const words = label.slice(0, label.length - doubt.length).trim().split(/\s+/);
  const forms = [label];
  if (words.length > 1) forms.push(`${words[0]}${doubt}`, `${words.map((w) => w.charAt(0)).join('')}${doubt}`);
  return forms;
}

function overlaps(a: Area, b: Area): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}
