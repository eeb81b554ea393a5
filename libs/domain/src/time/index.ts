export * from './local-date.js';
export * from './time-zone.js';
export * from './working-days.js';
