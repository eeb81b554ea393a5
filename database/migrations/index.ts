import { Registry1764090000000 } from './1764090000000-Registry.js';

/** Every migration, oldest first. ESM cannot glob, so each one is listed here. */
export const migrations = [Registry1764090000000];
