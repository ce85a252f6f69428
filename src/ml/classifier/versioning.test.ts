import { describe, expect, it } from 'vitest';
import { decideActivation } from './versioning';

describe('decideActivation', () => {
  it('activates the first model', () => {
    expect(decideActivation({ id: 'b', accuracy: 0.5 }, undefined)).toMatchObject({ activate: true });
  });

  it('rolls back a version more than one point below the active one, and says why', () => {
    const d = decideActivation({ id: 'b', accuracy: 0.975 }, { id: 'a', accuracy: 0.99 });
    expect(d.activate).toBe(false);
    expect(d.reason).toContain('1.5 points below');
  });

  it('accepts a drop of at most one point, and any gain', () => {
    expect(decideActivation({ id: 'b', accuracy: 0.981 }, { id: 'a', accuracy: 0.99 }).activate).toBe(true);
    expect(decideActivation({ id: 'b', accuracy: 1 }, { id: 'a', accuracy: 0.9 }).activate).toBe(true);
  });

  it('keeps the newest when either side has no held-out figure', () => {
    expect(decideActivation({ id: 'b', accuracy: null }, { id: 'a', accuracy: 0.99 }).activate).toBe(true);
    expect(decideActivation({ id: 'b', accuracy: 0.5 }, { id: 'a', accuracy: null }).activate).toBe(true);
  });
});
