import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { cameraErrorOf, cameraSupportError, useCamera, type UseCameraOptions } from './useCamera';

describe('cameraErrorOf', () => {
  it.each([
    ['NotAllowedError', 'denied'],
    ['SecurityError', 'denied'],
    ['PermissionDeniedError', 'denied'],
    ['NotFoundError', 'no-camera'],
    ['OverconstrainedError', 'no-camera'],
    ['DevicesNotFoundError', 'no-camera'],
    ['NotReadableError', 'in-use'],
    ['AbortError', 'in-use'],
    ['TrackStartError', 'in-use'],
  ])('maps %s to %s', (name, kind) => {
    const error = cameraErrorOf(new DOMException('whatever the browser says', name));
    expect(error.kind).toBe(kind);
    expect(error.message).not.toContain('whatever the browser says');
  });

  it('keeps the browser’s words for errors it cannot classify', () => {
    expect(cameraErrorOf(new TypeError('constraints are empty'))).toEqual({ kind: 'other', message: 'The camera could not start: constraints are empty' });
    expect(cameraErrorOf({ name: 'WeirdError' })).toEqual({ kind: 'other', message: 'The camera could not start: WeirdError' });
  });

  it('copes with things that are not errors', () => {
    expect(cameraErrorOf('busy')).toEqual({ kind: 'other', message: 'The camera could not start: busy' });
    expect(cameraErrorOf(undefined)).toEqual({ kind: 'other', message: 'The camera could not start.' });
    expect(cameraErrorOf(null).kind).toBe('other');
  });
});

describe('cameraSupportError', () => {
  it('blames plain http when the API is missing on an insecure page', () => {
    expect(cameraSupportError({ secure: false, hasGetUserMedia: false })?.kind).toBe('insecure');
  });
  it('blames the browser when the API is missing on a secure page', () => {
    expect(cameraSupportError({ secure: true, hasGetUserMedia: false })?.kind).toBe('unsupported');
  });
  it('has nothing to say when the API is there', () => {
    expect(cameraSupportError({ secure: true, hasGetUserMedia: true })).toBeNull();
  });
});

/** A video track that can be "taken" by another app. */
class FakeTrack extends EventTarget {
  stopped = false;
  stop() {
    this.stopped = true;
  }
}

function fakeStream() {
  const track = new FakeTrack();
  return { track, stream: { getTracks: () => [track], getVideoTracks: () => [track] } as unknown as MediaStream };
}

class FakeDocument extends EventTarget {
  visibilityState: DocumentVisibilityState = 'visible';
  setVisibility(state: DocumentVisibilityState) {
    this.visibilityState = state;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

function setup(getUserMedia: (c: MediaStreamConstraints) => Promise<MediaStream>, extra: UseCameraOptions = {}) {
  const doc = new FakeDocument();
  const gum = vi.fn(getUserMedia);
  const navigator = { mediaDevices: { getUserMedia: gum } } as unknown as Navigator;
  const scope = effectScope();
  const camera = scope.run(() => useCamera({ navigator, document: doc as unknown as Document, isSecureContext: true, ...extra }))!;
  return { camera, gum, doc, scope };
}

describe('useCamera', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('starts with the requested facing mode and stops every track', async () => {
    const { track, stream } = fakeStream();
    const { camera, gum } = setup(async () => stream, { facingMode: 'environment' });
    expect(await camera.start()).toBe(true);
    expect(camera.active.value).toBe(true);
    expect(gum.mock.calls[0]![0]).toMatchObject({ audio: false, video: { facingMode: 'environment' } });
    camera.stop();
    expect(track.stopped).toBe(true);
    expect(camera.stream.value).toBeNull();
  });

  it('reports a refusal as a camera error', async () => {
    const { camera } = setup(async () => {
      throw new DOMException('Permission denied', 'NotAllowedError');
    });
    expect(await camera.start()).toBe(false);
    expect(camera.error.value?.kind).toBe('denied');
    expect(camera.active.value).toBe(false);
  });

  it('says "insecure" without asking when the page is on plain http', async () => {
    const scope = effectScope();
    const camera = scope.run(() => useCamera({ navigator: {} as Navigator, document: new FakeDocument() as unknown as Document, isSecureContext: false }))!;
    expect(camera.isSupported).toBe(false);
    expect(await camera.start()).toBe(false);
    expect(camera.error.value?.kind).toBe('insecure');
  });

  it('drops a stream that arrives after stop()', async () => {
    const { track, stream } = fakeStream();
    let answer: (s: MediaStream) => void = () => {};
    const { camera } = setup(() => new Promise((resolve) => (answer = resolve)));
    const started = camera.start();
    camera.stop();
    answer(stream);
    expect(await started).toBe(false);
    expect(track.stopped).toBe(true);
    expect(camera.stream.value).toBeNull();
  });

  it('lets go of the camera while the tab is hidden and takes it back on return', async () => {
    const first = fakeStream();
    const second = fakeStream();
    const streams = [first.stream, second.stream];
    const { camera, doc, gum } = setup(async () => streams.shift()!);
    await camera.start();
    doc.setVisibility('hidden');
    expect(first.track.stopped).toBe(true);
    expect(camera.paused.value).toBe(true);
    expect(camera.stream.value).toBeNull();
    doc.setVisibility('visible');
    await vi.waitFor(() => expect(camera.stream.value).toBe(second.stream));
    expect(camera.paused.value).toBe(false);
    expect(gum).toHaveBeenCalledTimes(2);
  });

  it('does not come back on return after stop()', async () => {
    const { stream } = fakeStream();
    const { camera, doc, gum } = setup(async () => stream);
    await camera.start();
    camera.stop();
    doc.setVisibility('hidden');
    doc.setVisibility('visible');
    expect(gum).toHaveBeenCalledTimes(1);
  });

  it('says "in use" when another app takes the camera, then tries once more', async () => {
    const first = fakeStream();
    const second = fakeStream();
    const streams = [first.stream, second.stream];
    const { camera, gum } = setup(async () => streams.shift()!, { retryDelayMs: 1000 });
    await camera.start();
    first.track.dispatchEvent(new Event('ended'));
    expect(camera.error.value?.kind).toBe('in-use');
    expect(camera.stream.value).toBeNull();
    await vi.advanceTimersByTimeAsync(1000);
    expect(gum).toHaveBeenCalledTimes(2);
    expect(camera.stream.value).toBe(second.stream);
    expect(camera.error.value).toBeNull();
  });

  it('switches between the front and back cameras', async () => {
    const first = fakeStream();
    const { camera, gum } = setup(async () => (gum.mock.calls.length === 1 ? first.stream : fakeStream().stream));
    await camera.start();
    await camera.switchFacing();
    expect(camera.facingMode.value).toBe('environment');
    expect(first.track.stopped).toBe(true);
    expect(gum.mock.calls[1]![0]).toMatchObject({ video: { facingMode: 'environment' } });
  });

  it('releases the camera when its owner goes away', async () => {
    const { track, stream } = fakeStream();
    const { camera, scope, doc, gum } = setup(async () => stream);
    await camera.start();
    scope.stop();
    expect(track.stopped).toBe(true);
    doc.setVisibility('hidden');
    doc.setVisibility('visible');
    expect(gum).toHaveBeenCalledTimes(1);
  });
});
