import type { ReminderTemplate } from './reminder-template.js';
import { windowPhase } from './window-phase.js';

function dueText(dueOn: string, daysLeft: number): string {
  if (daysLeft > 0) return `将于 ${dueOn} 到期，还剩 ${daysLeft} 天`;
  if (daysLeft === 0) return `今天（${dueOn}）到期`;
  return `已于 ${dueOn} 到期，已逾期 ${-daysLeft} 天`;
}

function withFullStop(text: string): string {
  return /[。！？.!?]$/.test(text) ? text : `${text}。`;
}

export const zhCN: ReminderTemplate = {
  locale: 'zh-CN',

  // Only the bracketed prefix changes from stage to stage, so mail clients keep the cycle in one thread;
  // the prefix carries what changes: the application window, then the days to or past the due date.
  subject({ miniProgram, deadline }) {
    const { title, dueOn, daysLeft, actBy } = deadline;
    const phase = windowPhase(deadline);
    const prefix =
      phase === 'closed' && deadline.lateApplicationRefused
        ? `【申请期已过·剩 ${daysLeft} 天到期】`
        : phase === 'closed'
          ? `【请立即申请·剩 ${daysLeft} 天到期】`
          : phase === 'open'
            ? `【请于 ${actBy} 前申请·剩 ${deadline.workingDaysToActBy ?? 0} 个工作日】`
            : daysLeft > 0
              ? `【剩 ${daysLeft} 天】`
              : daysLeft === 0
                ? '【今日到期】'
                : `【已逾期 ${-daysLeft} 天】`;
    return `${prefix}${miniProgram.name}：${title}（${dueOn} 到期）`;
  },

  greeting: (organizationName) => `${organizationName}：`,

  summary({ miniProgram, deadline }) {
    const requirement = deadline.requirementName === deadline.title ? '' : `（${deadline.requirementName}）`;
    const owner = miniProgram.appId
      ? `小程序「${miniProgram.name}」（AppID ${miniProgram.appId}）的`
      : deadline.kind === 'vendor_contract_end'
        ? `与服务商「${miniProgram.name}」的`
        : '';
    return `${owner}「${deadline.title}」${requirement}${dueText(deadline.dueOn, deadline.daysLeft)}。`;
  },

  actBy: (actBy, passed) =>
    passed ? `建议办理的最后日期 ${actBy} 已过，请立即办理。` : `请最晚在 ${actBy} 前提交办理。`,

  applyBy: (actBy, workingDaysLeft, dueOn, lateRefused) =>
    `请于 ${actBy} 前提交申请（还剩 ${workingDaysLeft} 个工作日）；${dueOn} 到期。` +
    (lateRefused ? '逾期申请不予受理。' : ''),

  windowClosed: (actBy, dueOn, lateRefused) =>
    lateRefused
      ? `申请期已于 ${actBy} 结束，已无法再提交续期申请。将于 ${dueOn} 到期。`
      : `建议申请的最后日期 ${actBy} 已过，请立即申请；将于 ${dueOn} 到期。`,

  stillPossible: (fallback) =>
    `现在还可以：${withFullStop(fallback ?? '立即向发证机关询问还能受理什么，并为下面所述的失效后果做好准备')}`,

  consequence: (text, overdue) => `${overdue ? '接下来将失去' : '如果错过'}：${withFullStop(text)}`,

  vendorUnavailable: (vendorName, hasChecklist) =>
    `外包服务商${vendorName ? `「${vendorName}」` : ''}目前无法联系，本提醒只发给贵单位自己的联系人。` +
    (hasChecklist
      ? '请按下面的清单由贵单位自行办理，不要等待服务商。'
      : '请由贵单位自行办理，不要等待服务商。'),
  labelEnd: '：',

  checklistHeading: '办理清单',
  checklistSections: {
    documents: '需要准备的材料',
    ownerSteps: '贵单位可以自行完成的步骤',
    adminBindingSteps: '需要小程序管理员扫码的步骤',
    thirdPartySteps: '需要第三方或微信完成的步骤',
    vendorSteps: '需要服务商完成的步骤',
  },
  vendorStepsWhileUnavailable: '原本由服务商完成的步骤：请自行安排或交给新的服务商',

  actionsHeading: '处理这条提醒',
  links: {
    acknowledge: '已知悉，本轮不再提醒',
    snooze: '暂缓提醒',
    deadline: '查看详情',
  },

  footer: (stageCode) => `此邮件由 mp-guard 合规期限提醒自动发送（提醒阶段 ${stageCode}）。`,
};
