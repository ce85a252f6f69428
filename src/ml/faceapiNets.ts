/**
 * The face-api networks we run, typed against our own tfjs. face-api's
 * declarations bundle a private copy of the tfjs types, so its classes are
 * re-declared here with the few members we call; at run time they share our
 * tfjs instance (see the "#faceapi" entry in package.json "imports").
 */
import type * as tf from '@tensorflow/tfjs';
import * as faceapi from '#faceapi';

export interface FoundFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
}

interface Net {
  loadFromWeightMap(weights: tf.NamedTensorMap): void;
  dispose(): void;
}

export interface DetectorNet extends Net {
  locateFaces(input: tf.Tensor3D, options: unknown): Promise<FoundFace[]>;
}

export interface LandmarkNet extends Net {
  detectLandmarks(input: tf.Tensor3D[]): Promise<{ positions: { x: number; y: number }[] }[]>;
}

export interface RecognitionNet extends Net {
  forward(input: tf.Tensor3D[]): Promise<tf.Tensor2D>;
}

function load<T extends Net>(net: unknown, weights: tf.NamedTensorMap): T {
  (net as T).loadFromWeightMap(weights);
  return net as T;
}

export const createSsdNet = (weights: tf.NamedTensorMap) => load<DetectorNet>(new faceapi.SsdMobilenetv1(), weights);
export const createTinyNet = (weights: tf.NamedTensorMap) => load<DetectorNet>(new faceapi.TinyFaceDetector(), weights);
export const createLandmarkNet = (weights: tf.NamedTensorMap) => load<LandmarkNet>(new faceapi.FaceLandmark68Net(), weights);
export const createRecognitionNet = (weights: tf.NamedTensorMap) => load<RecognitionNet>(new faceapi.FaceRecognitionNet(), weights);

export const ssdOptions = (minConfidence: number, maxResults: number) => new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults });
export const tinyOptions = (inputSize: number, scoreThreshold: number) => new faceapi.TinyFaceDetectorOptions({ inputSize, scoreThreshold });
