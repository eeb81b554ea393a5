export * from './assets.js';
export * from './risk-score.js';
