import { describe, expect, it } from 'vitest';
import type { QualityIssue } from './types';
import { coach, describeTurn, FRONTAL_YAW, MIN_YAW_GAP, nextYaw, shouldCapture, STABLE_FRAMES, type CoachFace, type CoachFrame, type CoachInput } from './coach';

const W = 640;
const H = 480;

function face({ x = 260, y = 160, size = 120, yaw = 0, issues = [] as QualityIssue[] } = {}): CoachFace {
  return { box: { x, y, width: size, height: size }, quality: { ok: issues.length === 0, issues, yaw } };
}

const frame = (...faces: CoachFace[]): CoachFrame => ({ width: W, height: H, faces });

/** The same face over `STABLE_FRAMES` frames: the last is the newest. */
function steady(f: CoachFace, count = STABLE_FRAMES): CoachInput {
  const frames = Array.from({ length: count }, () => frame(f));
  return { frame: frames.at(-1)!, recent: frames.slice(0, -1), takenYaws: [] };
}

describe('coach: what is in view', () => {
  it('asks for a face when there is none', () => {
    expect(coach({ frame: frame(), recent: [], takenYaws: [] })).toEqual({ ready: false, message: 'No face — look at the camera', tone: 'warn' });
  });

  it('asks for one person when two are in view', () => {
    const advice = coach({ frame: frame(face(), face({ x: 20 })), recent: [], takenYaws: [] });
    expect(advice.message).toBe('Only one person in view, please');
    expect(advice.ready).toBe(false);
  });

  it.each<[QualityIssue, string]>([
    ['too-small', 'Move closer'],
    ['too-dark', 'Too dark — face the light'],
    ['too-bright', 'Too bright — move out of direct light'],
    ['blurry', 'Hold still'],
    ['turned', 'Look straight at the camera'],
    ['tilted', 'Keep your head level'],
  ])('turns the quality issue %s into "%s"', (issue, message) => {
    const advice = coach(steady(face({ issues: [issue] })));
    expect(advice).toEqual({ ready: false, message, tone: 'warn' });
  });

  it('puts distance before light when both are wrong', () => {
    expect(coach(steady(face({ issues: ['too-dark', 'too-small'] }))).message).toBe('Move closer');
  });
});

describe('coach: holding still', () => {
  it('says "Got it" for a good face held still for enough frames', () => {
    expect(coach(steady(face()))).toEqual({ ready: true, message: 'Got it', tone: 'ok' });
  });

  it('waits until enough frames have shown the face', () => {
    const advice = coach(steady(face(), STABLE_FRAMES - 1));
    expect(advice.ready).toBe(false);
    expect(advice.tone).toBe('ok');
    expect(advice.message).toMatch(/^Hold still/);
  });

  it('only reads the last few frames of history', () => {
    const old = [frame(), frame(face({ x: 0 })), frame(face(), face())];
    const input = steady(face());
    expect(coach({ ...input, recent: [...old, ...input.recent] }).ready).toBe(true);
  });

  it('says "Hold still" when the face centre jumps more than 4% of the frame width', () => {
    const moved = 0.05 * W;
    const input: CoachInput = { frame: frame(face({ x: 260 + moved })), recent: [frame(face()), frame(face())], takenYaws: [] };
    expect(coach(input)).toEqual({ ready: false, message: 'Hold still', tone: 'warn' });
  });

  it('tolerates the small drift of a hand-held phone', () => {
    const drift = 0.02 * W;
    const input: CoachInput = { frame: frame(face({ x: 260 + 2 * drift })), recent: [frame(face()), frame(face({ x: 260 + drift }))], takenYaws: [] };
    expect(coach(input).ready).toBe(true);
  });

  it('measures vertical movement in the same unit as horizontal', () => {
    const input: CoachInput = { frame: frame(face({ y: 160 + 0.05 * W })), recent: [frame(face()), frame(face())], takenYaws: [] };
    expect(coach(input).message).toBe('Hold still');
  });

  it('starts counting again after a frame without the face', () => {
    const input: CoachInput = { frame: frame(face()), recent: [frame(face()), frame()], takenYaws: [] };
    expect(coach(input).ready).toBe(false);
  });

  it('starts counting again after a frame with two faces', () => {
    const input: CoachInput = { frame: frame(face()), recent: [frame(face(), face({ x: 10 })), frame(face())], takenYaws: [] };
    expect(coach(input).ready).toBe(false);
  });

  it('compares frames of different sizes by share of the frame (after a rotation the worker may shrink differently)', () => {
    const half: CoachFrame = { width: W / 2, height: H / 2, faces: [face({ x: 130, y: 80, size: 60 })] };
    const input: CoachInput = { frame: frame(face()), recent: [half, half], takenYaws: [] };
    expect(coach(input).ready).toBe(true);
  });
});

describe('coach: head turns', () => {
  it('wants the first shot facing the camera', () => {
    const turned = coach(steady(face({ yaw: FRONTAL_YAW + 4 })));
    expect(turned).toEqual({ ready: false, message: 'Look straight at the camera', tone: 'ok' });
    expect(coach(steady(face({ yaw: FRONTAL_YAW - 2 }))).ready).toBe(true);
  });

  it('after a straight shot asks for a turn to the right (negative yaw) first', () => {
    const input = { ...steady(face({ yaw: 1 })), takenYaws: [0] };
    expect(coach(input)).toEqual({ ready: false, message: 'Turn slightly right', tone: 'ok' });
  });

  it('then asks for a turn to the left', () => {
    const input = { ...steady(face({ yaw: -11 })), takenYaws: [0, -12] };
    expect(coach(input).message).toBe('Turn slightly left');
  });

  it('takes a shot at any new yaw, not only at the target', () => {
    // Asked to turn right, the person turned left instead: still a different photo.
    const input = { ...steady(face({ yaw: 9 })), takenYaws: [0] };
    expect(coach(input).ready).toBe(true);
  });

  it(`needs ${MIN_YAW_GAP}° from every kept shot`, () => {
    const taken = [0, -12, 12];
    expect(shouldCapture({ ...steady(face({ yaw: 6 })), takenYaws: taken })).toBe(true);
    expect(shouldCapture({ ...steady(face({ yaw: 6.5 })), takenYaws: taken })).toBe(false);
    expect(shouldCapture({ ...steady(face({ yaw: 5 })), takenYaws: taken })).toBe(false);
    expect(shouldCapture({ ...steady(face({ yaw: -18 })), takenYaws: taken })).toBe(true);
  });

  it('asks for straight again when a side shot came first', () => {
    // The first shot was allowed up to FRONTAL_YAW off, so 0 may still be uncovered.
    expect(nextYaw(9, [9])).toBe(0);
    expect(coach({ ...steady(face({ yaw: 8 })), takenYaws: [9] }).message).toBe('Look straight at the camera');
  });

  it('after the targets, steers to the nearest free yaw', () => {
    const taken = [0, -12, 12];
    expect(nextYaw(10, taken)).toBe(19);
    expect(nextYaw(-3, taken)).toBe(-19);
    expect(coach({ ...steady(face({ yaw: 10 })), takenYaws: taken }).message).toBe('Turn slightly left');
    expect(coach({ ...steady(face({ yaw: -3 })), takenYaws: taken }).message).toBe('Turn slightly right');
  });

  it('gets five distinct shots from someone who follows the advice', () => {
    const taken: number[] = [];
    let yaw = 4;
    for (let step = 0; step < 200 && taken.length < 5; step++) {
      const advice = coach({ ...steady(face({ yaw })), takenYaws: taken, target: 5 });
      if (advice.ready) taken.push(yaw);
      else if (advice.message === 'Turn slightly left') yaw += 1;
      else if (advice.message === 'Turn slightly right') yaw -= 1;
      else if (advice.message === 'Look straight at the camera') yaw -= Math.sign(yaw);
      else throw new Error(`unexpected advice: ${advice.message}`);
    }
    expect(taken).toHaveLength(5);
    for (const [i, a] of taken.entries()) for (const b of taken.slice(i + 1)) expect(Math.abs(a - b)).toBeGreaterThanOrEqual(MIN_YAW_GAP);
    expect(Math.max(...taken.map(Math.abs))).toBeLessThanOrEqual(20);
  });

  it('takes any good shot once every comfortable yaw is taken', () => {
    const taken = [0, -12, 12, -19, 19, 6, -6];
    expect(nextYaw(0, taken)).toBeNull();
    expect(coach({ ...steady(face({ yaw: 1 })), takenYaws: taken, target: 10 }).ready).toBe(true);
  });

  it('stops asking once the target is reached', () => {
    const advice = coach({ ...steady(face({ yaw: 30 })), takenYaws: [0, -12, 12], target: 3 });
    expect(advice).toEqual({ ready: false, message: 'All 3 photos taken', tone: 'ok' });
  });
});

describe('shouldCapture', () => {
  it('agrees with the coach', () => {
    expect(shouldCapture(steady(face()))).toBe(true);
    expect(shouldCapture(steady(face({ issues: ['blurry'] })))).toBe(false);
    expect(shouldCapture({ frame: frame(face()), recent: [], takenYaws: [] })).toBe(false);
  });
});

describe('describeTurn', () => {
  it('says which way, in whole degrees, from the person’s side', () => {
    expect(describeTurn(8.4)).toBe('turned 8° left');
    expect(describeTurn(-12.6)).toBe('turned 13° right');
    expect(describeTurn(2.4)).toBe('facing the camera');
    expect(describeTurn(-0)).toBe('facing the camera');
  });
});
