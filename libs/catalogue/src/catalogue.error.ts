export enum CatalogueErrorCode {
  InvalidCatalogue = 'invalid_catalogue',
  InvalidOverride = 'invalid_override',
}

export interface CatalogueProblem {
  /** Which entry: `requirement icp_vas_licence`, `category 医疗 > 药品信息`, `feature wechat_pay`, `override icp_vas_licence`. */
  entry: string;
  /** Path inside the entry, e.g. `schedule.applyBy.unit` or `documents[0].name.en`. */
  field: string;
  rule: string;
}

/** The catalogue file or an organization's overrides break a rule; the message names entry and field. */
export class CatalogueError extends Error {
  constructor(
    readonly code: CatalogueErrorCode,
    readonly problems: CatalogueProblem[],
  ) {
    const [first] = problems;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    const what =
      code === CatalogueErrorCode.InvalidOverride ? 'Invalid catalogue override' : 'Invalid catalogue';
    super(`${what}: ${first.entry}, field ${first.field}: ${first.rule}${more}`);
    this.name = 'CatalogueError';
  }
}
