/**
 * The three MTCNN networks (face-api's conversion of the original Caffe
 * weights). The Caffe models were trained on images stored column-major, so
 * every input here is expected transposed: [batch, width, height, 3], RGB,
 * normalised with (x - 127.5) / 128.
 */
import * as tf from '@tensorflow/tfjs';

interface ConvParams {
  filters: tf.Tensor4D;
  bias: tf.Tensor1D;
}

interface DenseParams {
  weights: tf.Tensor2D;
  bias: tf.Tensor1D;
}

interface TrunkParams {
  conv1: ConvParams;
  prelu1: tf.Tensor1D;
  conv2: ConvParams;
  prelu2: tf.Tensor1D;
  conv3: ConvParams;
  prelu3: tf.Tensor1D;
}

interface PNetParams extends TrunkParams {
  score: ConvParams;
  regression: ConvParams;
}

interface RNetParams extends TrunkParams {
  fc1: DenseParams;
  prelu4: tf.Tensor1D;
  score: DenseParams;
  regression: DenseParams;
}

interface ONetParams extends TrunkParams {
  conv4: ConvParams;
  prelu4: tf.Tensor1D;
  fc1: DenseParams;
  prelu5: tf.Tensor1D;
  score: DenseParams;
  regression: DenseParams;
  landmarks: DenseParams;
}

export interface MtcnnParams {
  pnet: PNetParams;
  rnet: RNetParams;
  onet: ONetParams;
}

/**
 * Picks the tensors out of a decoded `mtcnn_model` weight map. Fails with the
 * full list of missing names, so a wrong or partial model file is obvious.
 */
export function paramsFromWeightMap(weights: tf.NamedTensorMap): MtcnnParams {
  const missing: string[] = [];
  const take = <T extends tf.Tensor>(name: string, rank: number): T => {
    const t = weights[name];
    if (!t || t.rank !== rank) {
      missing.push(name);
      return undefined as unknown as T;
    }
    return t as T;
  };
  const conv = (prefix: string): ConvParams => ({
    filters: take(`${prefix}/weights`, 4),
    bias: take(`${prefix}/bias`, 1),
  });
  const dense = (prefix: string): DenseParams => ({
    weights: take(`${prefix}/weights`, 2),
    bias: take(`${prefix}/bias`, 1),
  });
  const trunk = (net: string): TrunkParams => ({
    conv1: conv(`${net}/conv1`),
    prelu1: take(`${net}/prelu1_alpha`, 1),
    conv2: conv(`${net}/conv2`),
    prelu2: take(`${net}/prelu2_alpha`, 1),
    conv3: conv(`${net}/conv3`),
    prelu3: take(`${net}/prelu3_alpha`, 1),
  });

  const params: MtcnnParams = {
    pnet: { ...trunk('pnet'), score: conv('pnet/conv4_1'), regression: conv('pnet/conv4_2') },
    rnet: {
      ...trunk('rnet'),
      fc1: dense('rnet/fc1'),
      prelu4: take('rnet/prelu4_alpha', 1),
      score: dense('rnet/fc2_1'),
      regression: dense('rnet/fc2_2'),
    },
    onet: {
      ...trunk('onet'),
      conv4: conv('onet/conv4'),
      prelu4: take('onet/prelu4_alpha', 1),
      fc1: dense('onet/fc1'),
      prelu5: take('onet/prelu5_alpha', 1),
      score: dense('onet/fc2_1'),
      regression: dense('onet/fc2_2'),
      landmarks: dense('onet/fc2_3'),
    },
  };
  if (missing.length) {
    throw new Error(`MTCNN weights are missing or malformed: ${missing.join(', ')}`);
  }
  return params;
}

function convPrelu(x: tf.Tensor4D, p: ConvParams, alpha: tf.Tensor1D): tf.Tensor4D {
  return tf.fused.conv2d({ x, filter: p.filters, strides: 1, pad: 'valid', bias: p.bias, activation: 'prelu', preluActivationWeights: alpha });
}

function dense(x: tf.Tensor2D, p: DenseParams): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: p.weights, bias: p.bias }) as tf.Tensor2D;
}

function densePrelu(x: tf.Tensor2D, p: DenseParams, alpha: tf.Tensor1D): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: p.weights, bias: p.bias, activation: 'prelu', preluActivationWeights: alpha }) as tf.Tensor2D;
}

/** Probability of "face" from a two-way classifier's logits (last axis). */
function faceProbability<T extends tf.Tensor>(logits: T): T {
  const last = logits.rank - 1;
  const [, face] = tf.split(tf.softmax(logits, last), 2, last);
  return face as T;
}

/**
 * Fully convolutional proposal net: one 12×12 window every 2 pixels.
 * Returns face probabilities [1, w', h', 1] and box offsets [1, w', h', 4].
 */
export function pnet(x: tf.Tensor4D, p: PNetParams): { scores: tf.Tensor4D; regression: tf.Tensor4D } {
  let out = convPrelu(x, p.conv1, p.prelu1);
  out = tf.maxPool(out, 2, 2, 'same');
  out = convPrelu(out, p.conv2, p.prelu2);
  out = convPrelu(out, p.conv3, p.prelu3);
  const logits = tf.add(tf.conv2d(out, p.score.filters, 1, 'valid'), p.score.bias) as tf.Tensor4D;
  const regression = tf.add(tf.conv2d(out, p.regression.filters, 1, 'valid'), p.regression.bias) as tf.Tensor4D;
  return { scores: faceProbability(logits), regression };
}

/** Refinement net on 24×24 patches: [n, 1 + 4] (score, box offsets). */
export function rnet(x: tf.Tensor4D, p: RNetParams): tf.Tensor2D {
  let out = convPrelu(x, p.conv1, p.prelu1);
  out = tf.maxPool(out, 3, 2, 'same');
  out = convPrelu(out, p.conv2, p.prelu2);
  out = tf.maxPool(out, 3, 2, 'valid');
  out = convPrelu(out, p.conv3, p.prelu3);
  const features = densePrelu(tf.reshape(out, [out.shape[0], -1]), p.fc1, p.prelu4);
  return tf.concat([faceProbability(dense(features, p.score)), dense(features, p.regression)], 1);
}

/** Output net on 48×48 patches: [n, 1 + 4 + 10] (score, box offsets, 5 x then 5 y). */
export function onet(x: tf.Tensor4D, p: ONetParams): tf.Tensor2D {
  let out = convPrelu(x, p.conv1, p.prelu1);
  out = tf.maxPool(out, 3, 2, 'same');
  out = convPrelu(out, p.conv2, p.prelu2);
  out = tf.maxPool(out, 3, 2, 'valid');
  out = convPrelu(out, p.conv3, p.prelu3);
  out = tf.maxPool(out, 2, 2, 'same');
  out = convPrelu(out, p.conv4, p.prelu4);
  const features = densePrelu(tf.reshape(out, [out.shape[0], -1]), p.fc1, p.prelu5);
  return tf.concat(
    [faceProbability(dense(features, p.score)), dense(features, p.regression), dense(features, p.landmarks)],
    1,
  );
}
