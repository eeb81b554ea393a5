/** True when dist/ has no CLI or build info, or a source changed after the last build. */
export function isBuildStale(root: string): boolean;
