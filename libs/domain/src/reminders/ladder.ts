/** Who a stage of the ladder reaches; the same four roles a contact can have. */
export const ROLES = ['operator', 'manager', 'executive', 'legal'] as const;
export type Role = (typeof ROLES)[number];

export interface LadderStage {
  /** Stable name, part of the notification's stage key: lowercase letters, digits and '-'. */
  code: string;
  /**
   * Days relative to the cycle: -90 = 90 days before the last day to apply (`actBy`, which is the due date
   * when the requirement has no application window), 0 = on the due date, 7 = a week after the due date.
   */
  offsetDays: number;
  roles: Role[];
  /** Only on the last stage: repeat it every this many days after its first trigger (weekly overdue). */
  repeatEveryDays?: number;
}

/** Stages ordered by strictly increasing `offsetDays`, so a later stage is always the more severe one. */
export type Ladder = LadderStage[];

export interface LadderProblem {
  field: string;
  rule: string;
}

const OPERATOR: Role[] = ['operator'];
const WITH_MANAGER: Role[] = ['operator', 'manager'];
const WITH_EXECUTIVE: Role[] = ['operator', 'manager', 'executive'];
const EVERYONE: Role[] = ['operator', 'manager', 'executive', 'legal'];

export const DEFAULT_LADDER: Readonly<Ladder> = Object.freeze(
  (
    [
      { code: 'd-90', offsetDays: -90, roles: OPERATOR },
      { code: 'd-60', offsetDays: -60, roles: OPERATOR },
      { code: 'd-30', offsetDays: -30, roles: WITH_MANAGER },
      { code: 'd-14', offsetDays: -14, roles: WITH_MANAGER },
      { code: 'd-7', offsetDays: -7, roles: WITH_EXECUTIVE },
      { code: 'd-3', offsetDays: -3, roles: WITH_EXECUTIVE },
      { code: 'd-1', offsetDays: -1, roles: WITH_EXECUTIVE },
      { code: 'due', offsetDays: 0, roles: EVERYONE },
      { code: 'overdue', offsetDays: 7, roles: EVERYONE, repeatEveryDays: 7 },
    ] satisfies Ladder
  ).map((stage) => Object.freeze({ ...stage, roles: Object.freeze([...stage.roles]) as Role[] })),
);

/** The stage `effectiveLadder` prepends while the vendor is unavailable; reserved in posted ladders. */
export const EARLY_STAGE_CODE = 'early';
export const DEFAULT_EARLIER_BY_DAYS = 30;
/** The stage the planner adds the day after the last day to apply, when that is before the due date. */
export const WINDOW_CLOSED_STAGE_CODE = 'closed';

export const LADDER_LIMITS = {
  minStages: 1,
  maxStages: 20,
  minOffsetDays: -730,
  maxOffsetDays: 365,
  minRepeatEveryDays: 1,
  maxRepeatEveryDays: 90,
} as const;

export const STAGE_CODE_PATTERN = /^[a-z0-9-]{1,20}$/;

const STAGE_FIELDS = new Set(['code', 'offsetDays', 'roles', 'repeatEveryDays']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when `code` would be read as the n-th repeat of `repeatingCode` ('overdue-2' for 'overdue'). */
function looksLikeRepeatOf(code: string, repeatingCode: string): boolean {
  return code.startsWith(`${repeatingCode}-`) && /^[1-9]\d*$/.test(code.slice(repeatingCode.length + 1));
}

/**
 * Checks a ladder posted through the API, `{ stages: [...] }` or the bare array, and returns it typed
 * with every problem named by its field (`stages[2].offsetDays`). `ladder` is set only when there is
 * no problem.
 */
export function validateLadder(value: unknown): { ladder?: Ladder; problems: LadderProblem[] } {
  const problems: LadderProblem[] = [];
  const add = (field: string, rule: string) => problems.push({ field, rule });

  let stagesValue: unknown = value;
  if (isRecord(value)) {
    for (const key of Object.keys(value)) if (key !== 'stages') add(key, 'is not a known field');
    stagesValue = value.stages;
  }
  if (!Array.isArray(stagesValue)) {
    add('stages', 'must be a list of stages');
    return { problems };
  }
  const { minStages, maxStages, minOffsetDays, maxOffsetDays, minRepeatEveryDays, maxRepeatEveryDays } =
    LADDER_LIMITS;
  if (stagesValue.length < minStages || stagesValue.length > maxStages) {
    add('stages', `must have ${minStages} to ${maxStages} stages`);
    if (stagesValue.length > maxStages) return { problems };
  }

  // Repeats are keyed '<code>-2', '<code>-3', ...: no other stage may carry such a code.
  const lastRaw: unknown = stagesValue.at(-1);
  const repeatingCode =
    isRecord(lastRaw) && lastRaw.repeatEveryDays !== undefined && typeof lastRaw.code === 'string'
      ? lastRaw.code
      : null;

  const ladder: Ladder = [];
  const seenCodes = new Set<string>();
  let previousOffset: number | null = null;
  stagesValue.forEach((raw: unknown, i) => {
    const at = `stages[${i}]`;
    if (!isRecord(raw)) {
      add(at, 'must be an object with code, offsetDays and roles');
      previousOffset = null;
      return;
    }
    for (const key of Object.keys(raw))
      if (!STAGE_FIELDS.has(key)) add(`${at}.${key}`, 'is not a known field');

    const { code, offsetDays, roles, repeatEveryDays } = raw;
    if (typeof code !== 'string' || !STAGE_CODE_PATTERN.test(code)) {
      add(`${at}.code`, 'must be 1-20 lowercase letters, digits or hyphens, such as d-30');
    } else if (code === EARLY_STAGE_CODE) {
      add(
        `${at}.code`,
        `'${EARLY_STAGE_CODE}' is reserved for the stage added while the vendor is unavailable`,
      );
    } else if (code === WINDOW_CLOSED_STAGE_CODE) {
      add(
        `${at}.code`,
        `'${WINDOW_CLOSED_STAGE_CODE}' is reserved for the stage sent when the application window has closed`,
      );
    } else if (seenCodes.has(code)) {
      add(`${at}.code`, `must be unique; '${code}' is used by an earlier stage`);
    } else if (repeatingCode !== null && looksLikeRepeatOf(code, repeatingCode)) {
      add(`${at}.code`, `clashes with the repeats of the last stage ('${repeatingCode}-2', ...)`);
    }
    if (typeof code === 'string') seenCodes.add(code);

    if (typeof offsetDays !== 'number' || !Number.isInteger(offsetDays)) {
      add(`${at}.offsetDays`, 'must be a whole number of days relative to the due date');
      previousOffset = null;
    } else {
      if (offsetDays < minOffsetDays || offsetDays > maxOffsetDays) {
        add(`${at}.offsetDays`, `must be between ${minOffsetDays} and ${maxOffsetDays}`);
      }
      if (previousOffset !== null && offsetDays <= previousOffset) {
        add(`${at}.offsetDays`, `must be greater than the previous stage's (${previousOffset})`);
      }
      previousOffset = offsetDays;
    }

    if (!Array.isArray(roles) || roles.length === 0) {
      add(`${at}.roles`, `must be a non-empty list of ${ROLES.join(', ')}`);
    } else {
      const seenRoles = new Set<unknown>();
      roles.forEach((role: unknown, j) => {
        if (!isRole(role)) add(`${at}.roles[${j}]`, `must be one of ${ROLES.join(', ')}`);
        else if (seenRoles.has(role)) add(`${at}.roles[${j}]`, `'${role}' is listed twice`);
        seenRoles.add(role);
      });
    }

    if (repeatEveryDays !== undefined) {
      if (i !== stagesValue.length - 1) {
        add(`${at}.repeatEveryDays`, 'is only allowed on the last stage');
      } else if (
        typeof repeatEveryDays !== 'number' ||
        !Number.isInteger(repeatEveryDays) ||
        repeatEveryDays < minRepeatEveryDays ||
        repeatEveryDays > maxRepeatEveryDays
      ) {
        add(
          `${at}.repeatEveryDays`,
          `must be a whole number of days between ${minRepeatEveryDays} and ${maxRepeatEveryDays}`,
        );
      }
    }

    ladder.push({
      code: code as string,
      offsetDays: offsetDays as number,
      roles: roles as Role[],
      ...(repeatEveryDays === undefined ? {} : { repeatEveryDays: repeatEveryDays as number }),
    });
  });

  return problems.length === 0 ? { ladder, problems } : { problems };
}

export interface EffectiveLadderOptions {
  vendorUnavailable: boolean;
  /** Organization setting: how many days earlier the ladder starts while the vendor is unavailable. */
  earlierByDays?: number;
}

/**
 * The ladder actually applied to a deadline. While the vendor is unavailable the owner has to act alone
 * and needs more lead time, so an `early` stage for the operator and manager is put in front of the first
 * stage. `earlierByDays` 0 leaves the ladder as it is.
 */
export function effectiveLadder(ladder: Readonly<Ladder>, options: EffectiveLadderOptions): Ladder {
  const earlierByDays = options.earlierByDays ?? DEFAULT_EARLIER_BY_DAYS;
  if (!Number.isInteger(earlierByDays) || earlierByDays < 0) {
    throw new RangeError(`earlierByDays must be a whole number of days >= 0, got ${earlierByDays}`);
  }
  const first = ladder[0];
  if (!options.vendorUnavailable || earlierByDays === 0 || first === undefined) return [...ladder];
  if (ladder.some((stage) => stage.code === EARLY_STAGE_CODE)) return [...ladder];
  return [
    { code: EARLY_STAGE_CODE, offsetDays: first.offsetDays - earlierByDays, roles: [...WITH_MANAGER] },
    ...ladder,
  ];
}
