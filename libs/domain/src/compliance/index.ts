export * from './compliance-of.js';
