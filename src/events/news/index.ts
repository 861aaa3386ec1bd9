import { Registry } from '../../core/registry.js';
import { feedSource } from './feed-source.js';
import { fileSource } from './file-source.js';
import type { NewsSourceRegistry } from './source.js';

export * from './source.js';
export * from './time.js';
export * from './file-source.js';
export * from './feed-parse.js';
export * from './feed-source.js';
export * from './collect.js';
export * from './project-config.js';
export { parseXml, decodeEntities, XmlError } from './xml.js';
export type { XmlElement } from './xml.js';

/** Registers the built-in source kinds, `file` and `feed`. */
export function registerNewsSources(registry: NewsSourceRegistry): NewsSourceRegistry {
  return registry.register(fileSource).register(feedSource);
}

/** A fresh registry of source kinds with the built-ins registered; add your own kinds to it. */
export function createNewsSourceRegistry(): NewsSourceRegistry {
  return registerNewsSources(new Registry('news source kind'));
}
