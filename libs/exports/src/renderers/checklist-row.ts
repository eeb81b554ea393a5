/** Language of every label, heading and enum value an export writes; user text is written as given. */
export type ExportLocale = 'zh-CN' | 'en';

export type ChecklistActor = 'owner' | 'admin_binding' | 'vendor' | 'third_party' | 'wechat';

export interface ChecklistItem {
  id: string;
  text: string;
  /** Documents only: true when the organization has it on file, null or absent when unknown. */
  onFile?: boolean | null;
  /** Steps only: who performs the step. */
  actor?: ChecklistActor;
}

/** One open deadline cycle of the checklist, already localized, as the exports render it. */
export interface ChecklistRow {
  deadlineId: string;
  /** Null for organization-level deadlines (a vendor contract). */
  miniProgram: { id: string; name: string; appId: string } | null;
  requirementCode: string | null;
  /** Localized. */
  requirementName: string;
  /** annual_review | qualification_expiry | icp_annual_report | vendor_contract_end | certificate_expiry | custom */
  kind: string;
  /** 'YYYY-MM-DD' in the organization's zone. */
  dueOn: string;
  /** 'YYYY-MM-DD' */
  actBy: string;
  /** 'YYYY-MM-DD' */
  windowOpensOn: string;
  /** Negative when overdue. */
  daysLeft: number;
  /** open | acknowledged | snoozed | completed */
  state: string;
  /** Localized, e.g. '业主自行办理（服务商已失联）' or 'Vendor: Acme'. */
  whoMustAct: string;
  /** With `onFile`. */
  documents: ChecklistItem[];
  /** With `actor`. */
  steps: ChecklistItem[];
  /** Localized: what is lost if the deadline is missed. */
  consequence: string | null;
  sourceUrl: string | null;
  /** Raised whenever a date of the cycle changes; becomes the ICS SEQUENCE. */
  sequence: number;
}

export interface ExportHeader {
  organizationName: string;
  /** IANA zone of the organization, e.g. 'Asia/Shanghai'. */
  timeZone: string;
  locale: ExportLocale;
  /** The generation instant, passed in so output is reproducible. */
  generatedAt: Date;
  /** Human description of the scope, e.g. '全部小程序' or '康宁互联网医院'. */
  scopeLabel: string;
}
