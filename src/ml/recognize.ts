/** Faces of one photo, named by a trained classifier: the step both the worker and Node run. */
import type * as tf from '@tensorflow/tfjs';
import type { AnalyzeOptions, FacePipeline } from './pipeline';
import type { AnalyzeResult } from './types';
import { classify, type Classifier, type PreparedClassifier, type Recognition } from './classifier';

export interface RecognizedPhoto {
  result: AnalyzeResult;
  /** One per face, in the order of `result.faces`. */
  recognitions: Recognition[];
}

export async function recognizeFaces(
  pipeline: FacePipeline,
  image: tf.Tensor3D,
  classifier: Classifier | PreparedClassifier,
  options: { roster?: readonly string[]; analyze?: Partial<AnalyzeOptions> } = {},
): Promise<RecognizedPhoto> {
  const result = await pipeline.analyze(image, { ...options.analyze, embed: true });
  const descriptors = result.faces.map((f) => f.descriptor!);
  const recognitions = 'classify' in classifier
    ? await classifier.classify(descriptors, { roster: options.roster })
    : await classify(classifier, descriptors, { roster: options.roster });
  return { result, recognitions };
}
