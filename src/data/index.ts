export * from './bars.js';
export * from './episode-source.js';
export * from './csv.js';
export * from './builtin.js';
export * from './walk-forward.js';
export * from './calendar.js';
