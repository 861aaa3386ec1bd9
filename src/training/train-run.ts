import { join } from 'node:path';
import { packageInfo } from '../core/package-info.js';
import { dataHash, loadBars } from '../data/builtin.js';
import { renderMarkdown } from '../../evaluators/report.js';
import type { ExperimentReport } from '../../evaluators/report.js';
import { contentId } from '../store/hash.js';
import { RunWriter } from '../store/run-dir.js';
import { StagedDir } from '../store/staged-dir.js';
import { InterruptedError, RlError } from '../core/errors.js';
import { readJsonObject } from '../core/read-json.js';
import { calendarHash } from '../events/load-calendar.js';
import { loadExperimentEvents, withEvents } from './experiment-events.js';
import { FoldCheckpoints } from './fold-checkpoints.js';
import { runManifest, tfBackendFor } from './run-manifest.js';
import { resolveExperiment } from './experiment-config.js';
import type { ExperimentConfig } from './experiment-config.js';
import { runExperiment } from './experiment.js';
import type { ExperimentProgress } from './experiment.js';
import type { Registries } from './registries.js';

export interface TrainRunOptions {
  readonly registries: Registries;
  /** Parent directory of run directories (default `runs`). */
  readonly outDir?: string;
  readonly onProgress?: (p: ExperimentProgress) => void;
  /**
   * Continue the interrupted run with this id (its staged directory under `outDir`) instead of starting
   * one from `input`, which is then ignored: finished folds are kept, the fold in progress restarts from
   * its last agent checkpoint, and the result is byte-identical to an uninterrupted run.
   */
  readonly resume?: string;
  /** Polled after every update; when it returns true the run checkpoints and stops with InterruptedError. */
  readonly interrupted?: () => boolean;
}

export interface TrainRunResult {
  readonly id: string;
  readonly dir: string;
  readonly config: ExperimentConfig;
  readonly report: ExperimentReport;
}

/**
 * Resolves an experiment config, runs it and persists `runs/<id>/`: `config.json` (fully resolved),
 * `metrics.jsonl` (training curves), `report.json`, `report.md`, `params-fold-<k>.json` (fitted generator
 * params) and `manifest.json` (ids, versions, seed, data hash, output hashes). The id hashes the resolved
 * config, the data's content hash and the package version, never the clock, so the same inputs give the
 * same id and the same bytes. Files are staged and moved into place only when the run completes.
 *
 * @example
 * const { dir, report } = await trainRun({ generator: { id: 'gbm' }, ratio: 4, train: { steps: 20_000 } }, { registries: createRegistries() });
 * @throws ConfigError, UnknownPluginError, DataError
 */
export async function trainRun(input: unknown, opts: TrainRunOptions): Promise<TrainRunResult> {
  const { registries } = opts;
  const outDir = opts.outDir ?? 'runs';
  const staged = opts.resume === undefined ? undefined : StagedDir.interrupted(outDir, opts.resume);
  const config = resolveExperiment(staged === undefined ? input : readJsonObject(join(staged, 'config.json'), 'resume'), (cfg) => ({
    generator: registries.generators.get(cfg.generator.id).configSchema,
    agent: registries.agents.get(cfg.agent.id).configSchema,
    env: registries.envs.get(cfg.env.id).configSchema,
  }));
  const events = await loadExperimentEvents(config.events);
  const bars = withEvents(loadBars(config.data), events);
  const hash = dataHash(bars);
  const eventsHash = calendarHash(events);
  const pkg = packageInfo();
  const id = contentId({ config, dataHash: hash, eventsHash, package: { name: pkg.name, version: pkg.version } });
  if (opts.resume !== undefined && id !== opts.resume) {
    throw new RlError(`run ${opts.resume} cannot be resumed here: its config, data or package version now gives id ${id}`, 'E_RESUME', 2);
  }
  const agentSpec = registries.agents.get(config.agent.id);
  const backend = await tfBackendFor(agentSpec);

  const writer = opts.resume === undefined ? RunWriter.open(outDir, id) : RunWriter.resume(outDir, id);
  const checkpoints = new FoldCheckpoints(writer.stagedPath('checkpoints'), config.train.checkpointEvery, writer);
  try {
    writer.writeJson('config.json', config);
    const report = await runExperiment({
      config,
      bars,
      dataSource: config.data,
      dataHash: hash,
      runId: id,
      registries,
      sink: writer.metrics,
      onParams: (fold, params) => writer.writeJson(`params-fold-${fold}.json`, params),
      onFeatureStats: (fold, stats) => writer.writeJson(`features-fold-${fold}.json`, stats),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      checkpoints,
      ...(opts.interrupted ? { interrupted: opts.interrupted } : {}),
      onAgent: async (fold, agent) => {
        if (agentSpec.learns) await agent.save(writer.stagedPath(`agent-fold-${fold}`));
      },
    });
    checkpoints.clear();
    writer.writeJson('report.json', report);
    writer.writeText('report.md', renderMarkdown(report));
    const dir = writer.commit(
      runManifest(
        { id, seed: config.seed, config, tfBackend: backend },
        {
          data: { source: config.data, symbol: bars.symbol, bars: bars.length, sha256: hash },
          events: { calendar: config.events.calendar, news: config.events.news, count: bars.events?.length ?? 0, sha256: eventsHash },
          plugins: {
            generator: { id: config.generator.id, version: registries.generators.get(config.generator.id).version },
            agent: { id: config.agent.id, version: agentSpec.version },
            env: { id: config.env.id },
          },
        },
      ),
    );
    return { id, dir: join(dir), config, report };
  } catch (e) {
    if (e instanceof InterruptedError) throw new InterruptedError(id); // keep the staged run for --resume
    writer.abort();
    throw e;
  }
}
