import { computed, getCurrentScope, onScopeDispose, ref, shallowRef, type ComputedRef, type Ref, type ShallowRef } from 'vue';

export type CameraErrorKind = 'denied' | 'no-camera' | 'in-use' | 'insecure' | 'unsupported' | 'other';

export interface CameraError {
  kind: CameraErrorKind;
  message: string;
}

/** `user` is the selfie camera, `environment` the one on the back. */
export type FacingMode = 'user' | 'environment';

/** getUserMedia rejects with a DOMException; its name says why. Older Chrome used the names on the right. */
const KIND_BY_NAME: Record<string, CameraErrorKind> = {
  NotAllowedError: 'denied',
  SecurityError: 'denied',
  PermissionDeniedError: 'denied',
  NotFoundError: 'no-camera',
  OverconstrainedError: 'no-camera',
  DevicesNotFoundError: 'no-camera',
  NotReadableError: 'in-use',
  AbortError: 'in-use',
  TrackStartError: 'in-use',
};

const MESSAGES: Record<Exclude<CameraErrorKind, 'other'>, string> = {
  denied: 'Rollcall is not allowed to use the camera.',
  'no-camera': 'No camera was found on this device.',
  'in-use': 'The camera is being used by another app.',
  insecure: 'The camera only works when Rollcall is opened over a secure (https://) address.',
  unsupported: 'This browser cannot use the camera.',
};

export function cameraError(kind: CameraErrorKind, detail?: string): CameraError {
  if (kind === 'other') return { kind, message: detail ? `The camera could not start: ${detail}` : 'The camera could not start.' };
  return { kind, message: MESSAGES[kind] };
}

/** Turns whatever getUserMedia threw into something a person can act on. */
export function cameraErrorOf(err: unknown): CameraError {
  if (typeof err === 'object' && err !== null && 'name' in err && typeof err.name === 'string') {
    const kind = KIND_BY_NAME[err.name];
    if (kind) return cameraError(kind);
    const detail = 'message' in err && typeof err.message === 'string' && err.message ? err.message : err.name;
    return cameraError('other', detail);
  }
  return cameraError('other', err === undefined || err === null ? undefined : String(err));
}

/**
 * Why the camera cannot be asked for at all, before trying. Browsers hide
 * `navigator.mediaDevices` on plain http, so a missing API there means
 * "insecure", not "unsupported".
 */
export function cameraSupportError(env: { secure: boolean; hasGetUserMedia: boolean }): CameraError | null {
  if (env.hasGetUserMedia) return null;
  return cameraError(env.secure ? 'unsupported' : 'insecure');
}

/** The current picture of a playing video, for the face worker (which takes ownership of it). */
export async function grabFrame(video: HTMLVideoElement): Promise<ImageBitmap> {
  // HAVE_CURRENT_DATA: before it there is no picture to copy.
  if (video.readyState < 2 || !video.videoWidth) throw new Error('The camera has no picture yet.');
  return createImageBitmap(video);
}

export interface UseCameraOptions {
  navigator?: Navigator;
  /** Watched for the tab being hidden: the camera is released then and taken again on return. */
  document?: Document;
  /** Defaults to the page's own flag; tests pass it. */
  isSecureContext?: boolean;
  facingMode?: FacingMode;
  /** Merged into the video constraints (size, frame rate). */
  constraints?: MediaTrackConstraints;
  /** After another app takes the camera, try once more after this long. */
  retryDelayMs?: number;
}

export interface UseCameraReturn {
  isSupported: boolean;
  stream: Readonly<ShallowRef<MediaStream | null>>;
  error: Readonly<Ref<CameraError | null>>;
  /** A live stream is showing. */
  active: ComputedRef<boolean>;
  /** Waiting for the browser (and maybe the person) to hand over the camera. */
  starting: Readonly<Ref<boolean>>;
  /** Released while the tab is hidden; it comes back by itself. */
  paused: Readonly<Ref<boolean>>;
  facingMode: Readonly<Ref<FacingMode>>;
  /** Resolves true once the stream is live. Also the retry after an error. */
  start(): Promise<boolean>;
  stop(): void;
  switchFacing(mode?: FacingMode): Promise<boolean>;
}

/**
 * A camera stream that lets go of the camera whenever it is not needed: on
 * stop, when the tab is hidden (phones keep the camera light on otherwise and
 * other apps cannot use it) and when the owning component goes away.
 */
export function useCamera(options: UseCameraOptions = {}): UseCameraReturn {
  const {
    navigator: nav = globalThis.navigator,
    document: doc = globalThis.document,
    isSecureContext: secure = globalThis.isSecureContext ?? true,
    constraints = { width: { ideal: 1280 }, height: { ideal: 720 } },
    retryDelayMs = 1500,
  } = options;
  const isSupported = typeof nav?.mediaDevices?.getUserMedia === 'function';

  const stream = shallowRef<MediaStream | null>(null);
  const error = ref<CameraError | null>(null);
  const starting = ref(false);
  const paused = ref(false);
  const facingMode = ref<FacingMode>(options.facingMode ?? 'user');
  const active = computed(() => stream.value !== null);

  /** The camera is wanted: between start() and stop(), even while paused or after it was taken away. */
  let wanted = false;
  /** Bumped by every start and stop, so a getUserMedia answer that arrives late is dropped. */
  let generation = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function release() {
    const current = stream.value;
    if (!current) return;
    stream.value = null;
    for (const track of current.getTracks()) {
      track.removeEventListener('ended', onEnded);
      track.stop();
    }
  }

  /** Fired when the camera goes without us stopping it: another app took it, or it was unplugged. */
  function onEnded() {
    release();
    error.value = cameraError('in-use');
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      if (wanted && !stream.value && !isHidden()) void open();
    }, retryDelayMs);
  }

  const isHidden = () => doc?.visibilityState === 'hidden';

  async function open(): Promise<boolean> {
    const unsupported = cameraSupportError({ secure, hasGetUserMedia: isSupported });
    if (unsupported) {
      error.value = unsupported;
      return false;
    }
    const mine = ++generation;
    release();
    starting.value = true;
    try {
      const media = await nav.mediaDevices.getUserMedia({ audio: false, video: { ...constraints, facingMode: facingMode.value } });
      if (mine !== generation || !wanted) {
        for (const track of media.getTracks()) track.stop();
        return false;
      }
      for (const track of media.getVideoTracks()) track.addEventListener('ended', onEnded);
      stream.value = media;
      error.value = null;
      paused.value = false;
      return true;
    } catch (err) {
      if (mine === generation) error.value = cameraErrorOf(err);
      return false;
    } finally {
      if (mine === generation) starting.value = false;
    }
  }

  async function start(): Promise<boolean> {
    wanted = true;
    clearTimeout(retryTimer);
    if (isHidden()) {
      paused.value = true;
      return false;
    }
    return open();
  }

  function stop() {
    wanted = false;
    generation++;
    clearTimeout(retryTimer);
    starting.value = false;
    paused.value = false;
    release();
  }

  async function switchFacing(mode?: FacingMode): Promise<boolean> {
    facingMode.value = mode ?? (facingMode.value === 'user' ? 'environment' : 'user');
    return wanted ? start() : false;
  }

  function onVisibility() {
    if (!wanted) return;
    if (isHidden()) {
      generation++;
      starting.value = false;
      release();
      paused.value = true;
    } else if (paused.value || !stream.value) {
      void open();
    }
  }

  doc?.addEventListener('visibilitychange', onVisibility);
  if (getCurrentScope()) {
    onScopeDispose(() => {
      doc?.removeEventListener('visibilitychange', onVisibility);
      stop();
    });
  }

  return {
    isSupported,
    stream,
    error,
    active,
    starting,
    paused,
    facingMode,
    start,
    stop,
    switchFacing,
  };
}
