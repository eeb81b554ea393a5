export * from './catalogue.error.js';
export * from './catalogue.schema.js';
export { findRequirement, getRequirement, loadCatalogue } from './catalogue.loader.js';
export * from './catalogue-overrides.js';
export * from './localize.js';
export * from './requirements-for.js';
