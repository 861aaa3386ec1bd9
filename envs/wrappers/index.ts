export * from './wrapper.js';
export * from './order-enforcing.js';
export * from './time-limit.js';
export * from './record-episode-statistics.js';
export * from './normalize-observation.js';
export * from './frame-stack.js';
