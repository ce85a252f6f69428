/**
 * The next-week absence forecast against its two baselines (last-4-weeks
 * rate; same weekday last week) on seeded synthetic schools whose absence
 * processes are known, trained on the first 60% of weeks and scored on the
 * rest, exactly as the app does on a school's own data.
 *
 *   npm run eval:forecast            (writes bench/results/forecast.{json,md})
 *   npx tsx scripts/eval-forecast.ts --seeds 1,2,3
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decideForecast, type MethodMetrics } from '../src/analytics/decideForecast';
import { evaluateForecast, DEFAULT_EVALUATE_OPTIONS, type ForecastEvaluation } from '../src/analytics/evaluateForecast';
import { DEFAULT_FORECAST_OPTIONS } from '../src/analytics/forecast';
import type { CalibrationBin, ProbabilityMetrics } from '../src/analytics/metrics';
import { DEFAULT_SYNTHETIC_OPTIONS, syntheticSchool } from '../src/analytics/synthetic';
import { METHOD_LABELS, type ForecastMethod } from '../src/analytics/types';
import { trySetBackend } from '../src/ml/backend';

const ROOT = resolve(import.meta.dirname, '..');
const METHODS: ForecastMethod[] = ['forecast', 'lastFourWeeks', 'sameWeekdayLastWeek'];

function parseSeeds(argv: string[]): number[] {
  const at = argv.indexOf('--seeds');
  if (at < 0) return [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const seeds = (argv[at + 1] ?? '').split(',').map(Number);
  if (!seeds.length || seeds.some((s) => !Number.isInteger(s))) throw new Error('--seeds takes whole numbers separated by commas, e.g. --seeds 1,2,3');
  return seeds;
}

const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

/** Metrics averaged over seeds; calibration bins pooled (counts summed, means weighted by count). */
function pooled(runs: ForecastEvaluation[], level: 'daily' | 'weekly'): MethodMetrics {
  const out = {} as MethodMetrics;
  for (const m of METHODS) {
    const all = runs.map((r) => r[level]![m]);
    const bins = all[0]!.calibration.map((b, i): CalibrationBin => {
      const count = all.reduce((a, x) => a + x.calibration[i]!.count, 0);
      const w = (f: (c: CalibrationBin) => number | null) => (count ? all.reduce((a, x) => a + (f(x.calibration[i]!) ?? 0) * x.calibration[i]!.count, 0) / count : null);
      return { from: b.from, to: b.to, count, predicted: w((c) => c.predicted), observed: w((c) => c.observed) };
    });
    out[m] = {
      n: all.reduce((a, x) => a + x.n, 0),
      positives: all.reduce((a, x) => a + x.positives, 0),
      auc: mean(all.map((x) => x.auc ?? Number.NaN)),
      brier: mean(all.map((x) => x.brier)),
      ece: mean(all.map((x) => x.ece)),
      calibration: bins,
    };
  }
  return out;
}

const f3 = (x: number | null) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(3));
const f4 = (x: number | null) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(4));

function table(m: MethodMetrics): string[] {
  return [
    '| Method | AUC | Brier | ECE |',
    '|---|---:|---:|---:|',
    ...METHODS.map((k) => `| ${METHOD_LABELS[k]} | ${f3(m[k].auc)} | ${f4(m[k].brier)} | ${f4(m[k].ece)} |`),
  ];
}

function calibrationTable(m: MethodMetrics): string[] {
  const row = (b: CalibrationBin, k: ForecastMethod) => {
    const c = m[k].calibration.find((x) => x.from === b.from)!;
    return `${c.count} · ${f3(c.predicted)} → ${f3(c.observed)}`;
  };
  return [
    `| Predicted | ${METHODS.map((k) => METHOD_LABELS[k]).join(' | ')} |`,
    `|---|${METHODS.map(() => '---').join('|')}|`,
    ...m.forecast.calibration.map((b) => `| ${b.from.toFixed(1)}–${b.to.toFixed(1)} | ${METHODS.map((k) => row(b, k)).join(' | ')} |`),
  ];
}

async function main() {
  const seeds = parseSeeds(process.argv.slice(2));
  if (!(await trySetBackend('wasm')) && !(await trySetBackend('cpu'))) throw new Error('No tfjs backend could start.');
  await tf.ready();
  const t0 = performance.now();
  const runs: ForecastEvaluation[] = [];
  for (const seed of seeds) {
    const e = await evaluateForecast(syntheticSchool({ seed }).histories);
    if (!e.daily) throw new Error(`Seed ${seed}: ${e.decision.reason}`);
    runs.push(e);
    process.stderr.write(`seed ${seed}: forecast AUC ${f3(e.daily.forecast.auc)} Brier ${f4(e.daily.forecast.brier)} · last 4 weeks ${f3(e.daily.lastFourWeeks.auc)} ${f4(e.daily.lastFourWeeks.brier)} · ${e.decision.keep ? 'kept' : 'not kept'}\n`);
  }
  const daily = pooled(runs, 'daily');
  const weekly = pooled(runs, 'weekly');
  const decision = decideForecast(daily);
  const wins = runs.filter((r) => r.decision.keep).length;
  const seconds = (performance.now() - t0) / 1000;

  const result = {
    generatedAt: new Date().toISOString(),
    backend: tf.getBackend(),
    seconds,
    seeds,
    synthetic: DEFAULT_SYNTHETIC_OPTIONS,
    evaluate: DEFAULT_EVALUATE_OPTIONS,
    forecast: DEFAULT_FORECAST_OPTIONS,
    decision: { ...decision, seedsWon: wins, seeds: seeds.length },
    mean: { daily, weekly },
    perSeed: runs.map((r, i) => ({ seed: seeds[i], splitAt: r.splitAt, train: r.train, test: r.test, decision: r.decision, daily: strip(r.daily!), weekly: strip(r.weekly!) })),
  };

  const md = [
    '# Next-week absence forecast',
    '',
    `Synthetic schools (${DEFAULT_SYNTHETIC_OPTIONS.classes} classes × ${DEFAULT_SYNTHETIC_OPTIONS.studentsPerClass} students, ${DEFAULT_SYNTHETIC_OPTIONS.terms} terms of ${DEFAULT_SYNTHETIC_OPTIONS.weeksPerTerm} weeks) with known absence processes: a base rate per student, weekday effects, Markov illness, end-of-term creep and drop-out drift (src/analytics/synthetic.ts). Seeds ${seeds.join(', ')}. Trained on the first ${Math.round(DEFAULT_EVALUATE_OPTIONS.trainShare * 100)}% of weekly cutoffs, scored on the later weeks. Backend ${tf.getBackend()}, ${seconds.toFixed(1)} s in all.`,
    '',
    `Forecast: ${DEFAULT_FORECAST_OPTIONS.hiddenUnits ? `${DEFAULT_FORECAST_OPTIONS.hiddenUnits} tanh hidden units` : 'logistic regression'}, L2 ${DEFAULT_FORECAST_OPTIONS.l2}, ${DEFAULT_FORECAST_OPTIONS.epochs} epochs of full-batch Adam, starting from the student's last-4-weeks log-odds.`,
    '',
    '## Decision',
    '',
    `**${decision.keep ? 'Keep the forecast.' : `Do not keep the forecast; use the ${METHOD_LABELS[decision.use].toLowerCase()}.`}** ${decision.reason.replace('held-out weeks', 'held-out weeks, averaged over the seeds')}`,
    '',
    `Per seed, the same rule kept the forecast on ${wins} of ${seeds.length} schools. The app applies the rule to each school's own held-out weeks and falls back to the better baseline when the forecast loses.`,
    '',
    '## Per student and school day (mean over seeds)',
    '',
    ...table(daily),
    '',
    '## Per student and week: absent at least once (mean over seeds)',
    '',
    'Weekly chances combine the daily ones as if days were independent, which illness makes them not; this is why the weekly calibration is worse.',
    '',
    ...table(weekly),
    '',
    '## Calibration, per school day (all seeds pooled): rows · mean predicted → observed',
    '',
    ...calibrationTable(daily),
    '',
    '## Per seed, per school day',
    '',
    '| Seed | Test rows (absent) | Forecast AUC / Brier | Last 4 weeks AUC / Brier | Same weekday AUC / Brier | Kept |',
    '|---:|---:|---|---|---|---|',
    ...runs.map(
      (r, i) =>
        `| ${seeds[i]} | ${r.test.examples} (${r.test.positives}) | ${f3(r.daily!.forecast.auc)} / ${f4(r.daily!.forecast.brier)} | ${f3(r.daily!.lastFourWeeks.auc)} / ${f4(r.daily!.lastFourWeeks.brier)} | ${f3(r.daily!.sameWeekdayLastWeek.auc)} / ${f4(r.daily!.sameWeekdayLastWeek.brier)} | ${r.decision.keep ? 'yes' : 'no'} |`,
    ),
    '',
  ].join('\n');

  const dir = join(ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'forecast.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(dir, 'forecast.md'), md);
  process.stderr.write(`${decision.reason}\nWrote bench/results/forecast.{json,md}\n`);
}

function strip(m: MethodMetrics): Record<ForecastMethod, Omit<ProbabilityMetrics, 'calibration'>> {
  return Object.fromEntries(METHODS.map((k) => [k, { n: m[k].n, positives: m[k].positives, auc: m[k].auc, brier: m[k].brier, ece: m[k].ece }])) as Record<ForecastMethod, Omit<ProbabilityMetrics, 'calibration'>>;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
