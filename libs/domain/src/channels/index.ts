export * from './classify.js';
export * from './platforms.js';
export * from './rate-limit.js';
export * from './render.js';
export * from './request.js';
export * from './signatures.js';
export * from './targets.js';
export * from './truncate.js';
