import type { ReminderTemplate } from './reminder-template.js';
import { windowPhase } from './window-phase.js';

function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

function workingDays(n: number): string {
  return n === 1 ? '1 working day' : `${n} working days`;
}

function dueText(dueOn: string, daysLeft: number): string {
  if (daysLeft > 0) return `is due on ${dueOn}, ${days(daysLeft)} from now`;
  if (daysLeft === 0) return `is due today (${dueOn})`;
  return `was due on ${dueOn} and is ${days(-daysLeft)} overdue`;
}

function withFullStop(text: string): string {
  return /[.!?。]$/.test(text) ? text : `${text}.`;
}

export const en: ReminderTemplate = {
  locale: 'en',

  // Only the bracketed prefix changes from stage to stage, so mail clients keep the cycle in one thread;
  // the prefix carries what changes: the application window, then the days to or past the due date.
  subject({ miniProgram, deadline }) {
    const { title, dueOn, daysLeft, actBy } = deadline;
    const phase = windowPhase(deadline);
    const prefix =
      phase === 'closed' && deadline.lateApplicationRefused
        ? `[Application window closed, ${days(daysLeft)} to expiry]`
        : phase === 'closed'
          ? `[Apply now, ${days(daysLeft)} to expiry]`
          : phase === 'open'
            ? `[Apply by ${actBy}, ${workingDays(deadline.workingDaysToActBy ?? 0)} left]`
            : daysLeft > 0
              ? `[${days(daysLeft)} left]`
              : daysLeft === 0
                ? '[Due today]'
                : `[${days(-daysLeft)} overdue]`;
    return `${prefix} ${title} for ${miniProgram.name}, due ${dueOn}`;
  },

  greeting: (organizationName) => `To ${organizationName},`,

  summary({ miniProgram, deadline }) {
    const requirement = deadline.requirementName === deadline.title ? '' : ` (${deadline.requirementName})`;
    const owner = miniProgram.appId
      ? ` for the mini-program ${miniProgram.name} (AppID ${miniProgram.appId})`
      : deadline.kind === 'vendor_contract_end'
        ? ` with the vendor ${miniProgram.name}`
        : '';
    return `${deadline.title}${requirement}${owner} ${dueText(deadline.dueOn, deadline.daysLeft)}.`;
  },

  actBy: (actBy, passed) =>
    passed ? `The last safe date to apply, ${actBy}, has passed: act now.` : `Apply no later than ${actBy}.`,

  applyBy: (actBy, workingDaysLeft, dueOn, lateRefused) =>
    `Apply by ${actBy} (${workingDays(workingDaysLeft)} left); expires ${dueOn}.` +
    (lateRefused ? ' A later application is not accepted.' : ''),

  windowClosed: (actBy, dueOn, lateRefused) =>
    lateRefused
      ? `The application window closed on ${actBy}: a renewal can no longer be filed. It expires ${dueOn}.`
      : `The last safe date to apply, ${actBy}, has passed: apply now, it expires ${dueOn}.`,

  stillPossible: (fallback) =>
    `What you can still do: ${withFullStop(fallback ?? 'ask the issuing authority at once what it still accepts, and prepare for the lapse described below')}`,

  consequence: (text, overdue) =>
    `${overdue ? 'What is lost next' : 'If it is missed'}: ${withFullStop(text)}`,

  vendorUnavailable: (vendorName, hasChecklist) =>
    `The vendor${vendorName ? ` ${vendorName}` : ''} cannot be reached, so this reminder goes only to your own people. ` +
    (hasChecklist
      ? 'Follow the checklist below and act alone; do not wait for the vendor.'
      : 'Act alone; do not wait for the vendor.'),
  labelEnd: ':',

  checklistHeading: 'Checklist',
  checklistSections: {
    documents: 'Documents to prepare',
    ownerSteps: 'Steps you can take alone',
    adminBindingSteps: "Steps that need the mini-program's admin (WeChat scan)",
    thirdPartySteps: 'Steps that need a third party or WeChat',
    vendorSteps: 'Steps for the vendor',
  },
  vendorStepsWhileUnavailable: 'Steps the vendor used to take: arrange them yourself or with a new vendor',

  actionsHeading: 'Handle this reminder',
  links: {
    acknowledge: 'Acknowledge: stop reminders for this cycle',
    snooze: 'Snooze',
    deadline: 'View the deadline',
  },

  footer: (stageCode) => `Sent automatically by mp-guard compliance reminders (stage ${stageCode}).`,
};
