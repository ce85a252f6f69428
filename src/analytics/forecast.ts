/**
 * The next-week absence forecast: a small network (logistic regression, or
 * one tanh hidden layer) on standardised features, trained with full-batch
 * Adam on the cross-entropy plus an L2 penalty. No class weighting, because
 * the output is shown as a probability and has to stay calibrated.
 *
 * Training returns plain numbers; `createForecaster` holds the weights as
 * tensors until `dispose()`. Every other tensor is disposed before a call
 * returns. tfjs runs on whatever backend the page already has (the WASM or
 * CPU one in Node); a school's history is small, so that is fast enough.
 */
import * as tf from '@tensorflow/tfjs';
import { gaussian, seededRandom } from '@/ml/classifier/random';

export interface ForecastOptions {
  /**
   * 0 for logistic regression. The default, 8 tanh units with a penalty of
   * 0.01, beat both baselines on 7 of 10 synthetic schools, against 6 of 10
   * for logistic regression (penalty 0.03); see bench/results/forecast.md.
   */
  hiddenUnits: number;
  epochs: number;
  learningRate: number;
  /** Penalty on the squared weights (not the biases), added to the mean loss. */
  l2: number;
  /** Seeds the initial weights, so training repeats exactly. */
  seed: number;
  /** Waits for the next frame every this many epochs, so a page stays responsive while it trains; 0 never. */
  yieldEvery: number;
}

export const DEFAULT_FORECAST_OPTIONS: ForecastOptions = { hiddenUnits: 8, epochs: 250, learningRate: 0.03, l2: 1e-2, seed: 1, yieldEvery: 0 };

export interface ForecastModel {
  featureCount: number;
  hiddenUnits: number;
  mean: number[];
  scale: number[];
  /** [featureCount × max(hiddenUnits, 1)], row-major. */
  w1: number[];
  b1: number[];
  /** [hiddenUnits × 1]; empty for logistic regression. */
  w2: number[];
  b2: number[];
  trainedOn: { examples: number; positives: number };
}

export interface Forecaster {
  model: ForecastModel;
  /** Probability of absence for each row of features, with the same kind of offsets as in training. */
  predict(rows: readonly (readonly number[])[], offsets?: readonly number[]): Promise<number[]>;
  dispose(): void;
}

/**
 * `offsets` (log-odds, one per row) are added to the output before the
 * sigmoid and are not learned: the network learns how far to move each row
 * from that starting point.
 */
export async function trainForecast(
  rows: readonly (readonly number[])[],
  labels: readonly (0 | 1)[],
  options: Partial<ForecastOptions> = {},
  offsets?: readonly number[],
): Promise<ForecastModel> {
  const o = { ...DEFAULT_FORECAST_OPTIONS, ...options };
  if (!rows.length) throw new RangeError('The forecast needs at least one example to train on.');
  await tf.ready();
  if (rows.length !== labels.length) throw new RangeError(`${rows.length} examples for ${labels.length} labels.`);
  const d = rows[0]!.length;
  if (rows.some((r) => r.length !== d)) throw new RangeError('Every example needs the same number of features.');
  if (offsets && offsets.length !== rows.length) throw new RangeError(`${offsets.length} offsets for ${rows.length} examples.`);
  const h = Math.max(0, Math.floor(o.hiddenUnits));
  const { mean, scale } = fitStandardiser(rows);
  const positives = labels.reduce<number>((a, y) => a + y, 0);
  const base = Math.min(0.99, Math.max(0.01, positives / labels.length));
  const startBias = offsets ? 0 : Math.log(base / (1 - base));

  const random = seededRandom(o.seed);
  const init = (fanIn: number, size: number) => Float32Array.from({ length: size }, () => gaussian(random) * Math.sqrt(1 / fanIn));
  const x = tf.tensor2d(standardise(rows, mean, scale), [rows.length, d]);
  const y = tf.tensor2d(Float32Array.from(labels), [labels.length, 1]);
  const offset = offsets ? tf.tensor2d(Float32Array.from(offsets), [offsets.length, 1]) : null;
  // tf.variable copies its initial value; tidy disposes the copy's source.
  const w1 = tf.tidy(() => tf.variable(tf.tensor2d(h ? init(d, d * h) : new Float32Array(d), [d, h || 1])));
  const b1 = tf.tidy(() => tf.variable(tf.tensor1d(h ? new Float32Array(h) : [startBias])));
  const w2 = h ? tf.tidy(() => tf.variable(tf.tensor2d(init(h, h), [h, 1]))) : null;
  const b2 = h ? tf.tidy(() => tf.variable(tf.tensor1d([startBias]))) : null;
  const trainable = [w1, b1, ...(w2 && b2 ? [w2, b2] : [])];
  const optimizer = tf.train.adam(o.learningRate);
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      optimizer.minimize(
        () => {
          const logits = offset ? forward(x, w1, b1, w2, b2).add(offset) : forward(x, w1, b1, w2, b2);
          const penalty = (w2 ? w1.square().sum().add(w2.square().sum()) : w1.square().sum()).mul(o.l2);
          return tf.losses.sigmoidCrossEntropy(y, logits).add(penalty) as tf.Scalar;
        },
        false,
        trainable,
      );
      if (o.yieldEvery && (epoch + 1) % o.yieldEvery === 0) await tf.nextFrame();
    }
    const [w1v, b1v, w2v, b2v] = await Promise.all([w1.data(), b1.data(), w2?.data(), b2?.data()]);
    return {
      featureCount: d,
      hiddenUnits: h,
      mean,
      scale,
      w1: [...w1v],
      b1: [...b1v],
      w2: w2v ? [...w2v] : [],
      b2: b2v ? [...b2v] : [],
      trainedOn: { examples: rows.length, positives },
    };
  } finally {
    optimizer.dispose();
    tf.dispose([x, y, ...(offset ? [offset] : []), ...trainable]);
  }
}

export function createForecaster(model: ForecastModel): Forecaster {
  const { featureCount: d, hiddenUnits: h } = model;
  const w1 = tf.tensor2d(model.w1, [d, h || 1]);
  const b1 = tf.tensor1d(model.b1);
  const w2 = h ? tf.tensor2d(model.w2, [h, 1]) : null;
  const b2 = h ? tf.tensor1d(model.b2) : null;
  let disposed = false;
  return {
    model,
    async predict(rows, offsets) {
      if (disposed) throw new Error('This forecaster has been disposed.');
      if (!rows.length) return [];
      if (rows.some((r) => r.length !== d)) throw new RangeError(`Every row needs ${d} features.`);
      if (offsets && offsets.length !== rows.length) throw new RangeError(`${offsets.length} offsets for ${rows.length} rows.`);
      const p = tf.tidy(() => {
        const logits = forward(tf.tensor2d(standardise(rows, model.mean, model.scale), [rows.length, d]), w1, b1, w2, b2);
        return tf.sigmoid(offsets ? logits.add(tf.tensor2d(Float32Array.from(offsets), [offsets.length, 1])) : logits);
      });
      try {
        return [...(await p.data())];
      } finally {
        p.dispose();
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      tf.dispose([w1, b1, ...(w2 && b2 ? [w2, b2] : [])]);
    },
  };
}

/** Trains, predicts `rows`, and disposes the weights: for when the model is used once. */
export async function trainAndPredict(
  train: { rows: readonly (readonly number[])[]; labels: readonly (0 | 1)[]; offsets?: readonly number[] },
  predict: { rows: readonly (readonly number[])[]; offsets?: readonly number[] },
  options: Partial<ForecastOptions> = {},
): Promise<{ model: ForecastModel; predictions: number[] }> {
  const model = await trainForecast(train.rows, train.labels, options, train.offsets);
  const forecaster = createForecaster(model);
  try {
    return { model, predictions: await forecaster.predict(predict.rows, predict.offsets) };
  } finally {
    forecaster.dispose();
  }
}

function forward(x: tf.Tensor2D, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor | null, b2: tf.Tensor | null): tf.Tensor2D {
  const first = x.matMul(w1 as tf.Tensor2D).add(b1) as tf.Tensor2D;
  return w2 && b2 ? (first.tanh().matMul(w2 as tf.Tensor2D).add(b2) as tf.Tensor2D) : first;
}

/** Mean and 1/sd per column; a constant column gets scale 1, so it adds nothing instead of NaN. */
export function fitStandardiser(rows: readonly (readonly number[])[]): { mean: number[]; scale: number[] } {
  const d = rows[0]!.length;
  const mean = new Array<number>(d).fill(0);
  const sq = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j]! += r[j]!;
  for (let j = 0; j < d; j++) mean[j]! /= rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) sq[j]! += (r[j]! - mean[j]!) ** 2;
  const scale = sq.map((s) => {
    const sd = Math.sqrt(s / rows.length);
    return sd > 1e-9 ? 1 / sd : 1;
  });
  return { mean, scale };
}

function standardise(rows: readonly (readonly number[])[], mean: readonly number[], scale: readonly number[]): Float32Array {
  const d = mean.length;
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let j = 0; j < d; j++) out[i * d + j] = (r[j]! - mean[j]!) * scale[j]!;
  });
  return out;
}
