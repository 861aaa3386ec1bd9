import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, UnknownPluginError } from '../../core/errors.js';
import { createNewsSourceRegistry } from './index.js';
import { addNewsSource, findNewsSource, loadProjectConfig, parseProjectConfig, projectConfigPath, removeNewsSource, saveProjectConfig } from './project-config.js';
import type { ProjectConfig } from './project-config.js';

const registry = createNewsSourceRegistry();
const work = mkdtempSync(join(tmpdir(), 'rl-news-config-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const fed = { name: 'fed', kind: 'feed', url: 'https://www.federalreserve.gov/feeds/press_monetary.xml', symbols: ['market'] };
const headlines = { name: 'headlines', kind: 'file', path: 'data/h.csv', columns: { time: 'datetime', text: 'title', symbols: 'ticker' } };

/** The ConfigError `f` throws. */
function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('project config', () => {
  it('a project without .rl/config.json has no sources; save writes it atomically and load reads it back', () => {
    const dir = join(work, 'p1');
    mkdirSync(dir);
    expect(loadProjectConfig(registry, { dir })).toEqual({ news: { sources: [] } });
    let config: ProjectConfig = { news: { sources: [] } };
    config = addNewsSource(config, fed, registry);
    config = addNewsSource(config, headlines, registry);
    saveProjectConfig(config, registry, { dir });
    expect(readdirSync(join(dir, '.rl'))).toEqual(['config.json']); // no temporary file left behind
    expect(JSON.parse(readFileSync(join(dir, '.rl', 'config.json'), 'utf8'))).toEqual({ news: { sources: [fed, headlines] } });
    expect(loadProjectConfig(registry, { dir })).toEqual(config);
    expect(projectConfigPath({ dir })).toBe(join(dir, '.rl', 'config.json'));
    const elsewhere = join(work, 'elsewhere.json');
    saveProjectConfig(config, registry, { path: elsewhere });
    expect(loadProjectConfig(registry, { path: elsewhere })).toEqual(config);
  });

  it('stores sources as written (defaults apply when a source is opened)', () => {
    const config = parseProjectConfig({ news: { sources: [{ name: 'x', kind: 'file', path: 'x.csv' }] } }, registry);
    expect(config.news.sources[0]).toEqual({ name: 'x', kind: 'file', path: 'x.csv' });
    expect(parseProjectConfig({}, registry)).toEqual({ news: { sources: [] } });
  });

  it('rejects unknown keys at every level, naming the key and the file', () => {
    const top = configError(() => parseProjectConfig({ news: { sources: [] }, nwes: {} }, registry, '.rl/config.json'));
    expect(top.path).toBe('nwes');
    expect(top.message).toBe('invalid config at nwes: unknown key (in .rl/config.json)');
    expect(configError(() => parseProjectConfig({ news: { sorces: [] } }, registry)).path).toBe('news.sorces');
    expect(configError(() => parseProjectConfig({ news: { sources: [fed, { ...headlines, colums: {} }] } }, registry)).path).toBe('news.sources[1].colums');
    expect(configError(() => parseProjectConfig({ news: { sources: [{ ...headlines, columns: { tme: 'd' } }] } }, registry)).path).toBe('news.sources[0].columns.tme');
  });

  it('rejects invalid values, unknown kinds (with a did-you-mean), bad names and duplicate names', () => {
    expect(configError(() => parseProjectConfig({ news: { sources: [{ ...fed, url: 'not a url' }] } }, registry)).path).toBe('news.sources[0].url');
    expect(configError(() => parseProjectConfig({ news: { sources: [{ ...headlines, format: 'xlsx' }] } }, registry)).path).toBe('news.sources[0].format');
    const kind = configError(() => parseProjectConfig({ news: { sources: [{ ...fed, kind: 'fed' }] } }, registry));
    expect(kind.path).toBe('news.sources[0].kind');
    expect(kind.message).toContain('did you mean "feed"');
    expect(configError(() => parseProjectConfig({ news: { sources: [{ ...fed, name: 'a b' }] } }, registry)).path).toBe('news.sources[0].name');
    expect(configError(() => parseProjectConfig({ news: { sources: [{ ...fed, name: undefined }] } }, registry)).path).toBe('news.sources[0].name');
    const dup = configError(() => parseProjectConfig({ news: { sources: [fed, { ...headlines, name: 'fed' }] } }, registry));
    expect(dup.path).toBe('news.sources[1].name');
    expect(dup.message).toContain('also news.sources[0]');
  });

  it('a file that is not JSON, or does not validate, is a ConfigError naming the file; nothing invalid is saved', () => {
    const dir = join(work, 'p2');
    mkdirSync(join(dir, '.rl'), { recursive: true });
    writeFileSync(join(dir, '.rl', 'config.json'), '{ "news": ');
    expect(configError(() => loadProjectConfig(registry, { dir })).message).toContain('config.json is not valid JSON');
    writeFileSync(join(dir, '.rl', 'config.json'), JSON.stringify({ news: { sources: [{ ...fed, retries: -1 }] } }));
    const e = configError(() => loadProjectConfig(registry, { dir }));
    expect(e.path).toBe('news.sources[0].retries');
    expect(e.message).toContain(join(dir, '.rl', 'config.json'));
    const fresh = join(work, 'p3');
    configError(() => saveProjectConfig({ news: { sources: [{ name: 'x', kind: 'file' }] } }, registry, { dir: fresh }));
    expect(existsSync(fresh)).toBe(false);
  });

  it('add refuses a taken name; remove and find name an unknown source with a did-you-mean', () => {
    const config = addNewsSource({ news: { sources: [] } }, fed, registry);
    expect(configError(() => addNewsSource(config, { ...headlines, name: 'fed' }, registry)).message).toContain('exists already');
    expect(removeNewsSource(config, 'fed')).toEqual({ news: { sources: [] } });
    expect(findNewsSource(config, 'fed')).toBe(fed);
    expect(() => removeNewsSource(config, 'fde')).toThrow(UnknownPluginError);
    expect(() => removeNewsSource(config, 'fde')).toThrow(/unknown news source "fde" \(did you mean "fed"\?\)/);
  });
});
