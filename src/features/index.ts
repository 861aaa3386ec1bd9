export * from './calendar-features.js';
export * from './config.js';
export * from './feature-source.js';
export * from './indicators.js';
export * from './normalizer.js';
export * from './pipeline.js';
