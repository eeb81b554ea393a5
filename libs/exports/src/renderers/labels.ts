import type { ChecklistActor, ExportLocale } from './checklist-row.js';

/** Every fixed string the renderers write, per locale. User text never passes through here. */
export interface ExportLabels {
  title: string;
  organization: string;
  scope: string;
  generatedAt: string;
  timeZone: string;
  organizationLevel: string;
  miniProgram: string;
  appId: string;
  requirement: string;
  requirementCode: string;
  kind: string;
  dueOn: string;
  actBy: string;
  windowOpensOn: string;
  daysLeft: string;
  state: string;
  whoMustAct: string;
  itemType: string;
  itemNumber: string;
  item: string;
  onFile: string;
  actor: string;
  consequence: string;
  source: string;
  deadlineId: string;
  documents: string;
  steps: string;
  document: string;
  step: string;
  deadline: string;
  done: string;
  yes: string;
  no: string;
  unknown: string;
  onFileMarker: string;
  summarySheet: string;
  detailsSheet: string;
  noDeadlines: string;
  page: (n: number) => string;
  /** ': ' or '：' */
  colon: string;
  /** A remark after text: ' (…)' or '（…）'. */
  aside: (text: string) => string;
  pageOf: string;
  dueSummary: (requirement: string, subject: string) => string;
  actBySummary: (requirement: string, subject: string) => string;
  states: Record<string, string>;
  kinds: Record<string, string>;
  actors: Record<ChecklistActor, string>;
}

const zhCN: ExportLabels = {
  title: '小程序合规续期清单',
  organization: '机构',
  scope: '范围',
  generatedAt: '生成时间',
  timeZone: '时区',
  organizationLevel: '机构级事项',
  miniProgram: '小程序',
  appId: 'AppID',
  requirement: '事项',
  requirementCode: '事项代码',
  kind: '类型',
  dueOn: '截止日期',
  actBy: '最迟办理日',
  windowOpensOn: '办理窗口开启',
  daysLeft: '剩余天数',
  state: '状态',
  whoMustAct: '办理人',
  itemType: '条目类型',
  itemNumber: '序号',
  item: '条目',
  onFile: '已备齐',
  actor: '执行方',
  consequence: '逾期后果',
  source: '依据',
  deadlineId: '截止事项ID',
  documents: '所需材料',
  steps: '办理步骤',
  document: '材料',
  step: '步骤',
  deadline: '截止事项',
  done: '完成',
  yes: '是',
  no: '否',
  unknown: '未知',
  onFileMarker: '已备齐',
  summarySheet: '汇总',
  detailsSheet: '明细',
  noDeadlines: '此范围内没有待办的截止事项。',
  page: (n) => `第 ${n} 页`,
  colon: '：',
  aside: (text) => `（${text}）`,
  pageOf: '第 &P 页，共 &N 页',
  dueSummary: (requirement, subject) => `【到期】${requirement} · ${subject}`,
  actBySummary: (requirement, subject) => `【最迟办理】${requirement} · ${subject}`,
  states: { open: '待办', acknowledged: '已确认', snoozed: '已暂缓', completed: '已完成' },
  kinds: {
    annual_review: '年审',
    qualification_expiry: '资质到期',
    icp_annual_report: 'ICP 年报',
    enterprise_annual_report: '企业年报',
    vendor_contract_end: '服务商合同到期',
    certificate_expiry: '证书到期',
    custom: '自定义',
  },
  actors: {
    owner: '业主',
    admin_binding: '管理员（绑定微信）',
    vendor: '服务商',
    third_party: '第三方',
    wechat: '微信官方',
  },
};

const en: ExportLabels = {
  title: 'Mini-program compliance renewal checklist',
  organization: 'Organization',
  scope: 'Scope',
  generatedAt: 'Generated',
  timeZone: 'Time zone',
  organizationLevel: 'Organization-level',
  miniProgram: 'Mini-program',
  appId: 'AppID',
  requirement: 'Requirement',
  requirementCode: 'Requirement code',
  kind: 'Kind',
  dueOn: 'Due date',
  actBy: 'Act by',
  windowOpensOn: 'Window opens',
  daysLeft: 'Days left',
  state: 'State',
  whoMustAct: 'Who must act',
  itemType: 'Item type',
  itemNumber: 'Item #',
  item: 'Item',
  onFile: 'On file',
  actor: 'Actor',
  consequence: 'If missed',
  source: 'Source',
  deadlineId: 'Deadline ID',
  documents: 'Documents',
  steps: 'Steps',
  document: 'Document',
  step: 'Step',
  deadline: 'Deadline',
  done: 'Done',
  yes: 'yes',
  no: 'no',
  unknown: 'unknown',
  onFileMarker: 'on file',
  summarySheet: 'Summary',
  detailsSheet: 'Details',
  noDeadlines: 'No open deadlines in this scope.',
  page: (n) => `Page ${n}`,
  colon: ': ',
  aside: (text) => ` (${text})`,
  pageOf: 'Page &P of &N',
  dueSummary: (requirement, subject) => `Due: ${requirement} - ${subject}`,
  actBySummary: (requirement, subject) => `Act by: ${requirement} - ${subject}`,
  states: { open: 'Open', acknowledged: 'Acknowledged', snoozed: 'Snoozed', completed: 'Completed' },
  kinds: {
    annual_review: 'Annual review',
    qualification_expiry: 'Qualification expiry',
    icp_annual_report: 'ICP annual report',
    enterprise_annual_report: 'Enterprise annual report',
    vendor_contract_end: 'Vendor contract end',
    certificate_expiry: 'Certificate expiry',
    custom: 'Custom',
  },
  actors: {
    owner: 'Owner',
    admin_binding: 'Administrator (bound WeChat)',
    vendor: 'Vendor',
    third_party: 'Third party',
    wechat: 'WeChat',
  },
};

export function labelsFor(locale: ExportLocale): ExportLabels {
  return locale === 'en' ? en : zhCN;
}

/** Enum values the labels do not know (a newer state, a custom kind) are shown as they are. */
export function labelOf(table: Record<string, string>, value: string): string {
  return Object.prototype.hasOwnProperty.call(table, value) ? table[value] : value;
}
