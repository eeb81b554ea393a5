import type { Locale } from '../../../../catalogue/src/index.js';
import { en } from './en.js';
import type { ReminderTemplate } from './reminder-template.js';
import { zhCN } from './zh-CN.js';

export type { ChecklistSection, ReminderMailInput, ReminderTemplate } from './reminder-template.js';

export const REMINDER_TEMPLATES: Readonly<Record<Locale, ReminderTemplate>> = Object.freeze({
  'zh-CN': zhCN,
  en,
});
