/** An escalation ladder as stored in jsonb (validated by libs/domain/src/reminders before it is written). */
export type StoredLadder = { code: string; offsetDays: number; roles: string[]; repeatEveryDays?: number }[];
