export * from './assets.js';
export * from './risk-score.js';
export * from './continuity-alert.js';
export * from './asset-row.js';
export * from './handover.js';
