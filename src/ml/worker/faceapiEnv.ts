/**
 * face-api looks for `window`/`document` (browser) or `process` (Node) and
 * finds neither in a worker. Our pipeline only hands it tensors, so the DOM
 * classes it checks with `instanceof` are stood in by OffscreenCanvas.
 */
import * as faceapi from '#faceapi';

type Env = Parameters<typeof faceapi.env.setEnv>[0];

export function installWorkerEnv(): void {
  const unsupported = () => {
    throw new Error('Not available in the ML worker: pass tensors.');
  };
  const Stub = class {} as never;
  faceapi.env.setEnv({
    Canvas: OffscreenCanvas as never,
    CanvasRenderingContext2D: OffscreenCanvasRenderingContext2D as never,
    Image: Stub,
    ImageData,
    Video: Stub,
    createCanvasElement: () => new OffscreenCanvas(1, 1) as never,
    createImageElement: unsupported,
    createVideoElement: unsupported,
    fetch: (url: string, init?: RequestInit) => fetch(url, init),
    readFile: unsupported,
  } as Env);
}
