import {
  ASSET_KIND_NAMES,
  ASSET_KINDS,
  type AssetHolder,
  type AssetKind,
} from '../../../domain/src/continuity/index.js';
import type { ExportLocale } from './checklist-row.js';

/** Every fixed string of the handover pack, per locale. User text never passes through here. */
export interface HandoverLabels {
  title: string;
  generatedAt: string;
  intro: string;
  facts: string;
  name: string;
  appId: string;
  owner: string;
  creditCode: string;
  serviceCategories: string;
  certificationExpiresOn: string;
  icpFilingNumber: string;
  vendor: string;
  noVendor: string;
  vendorName: string;
  status: string;
  since: string;
  reason: string;
  evidence: string;
  contractEndsOn: string;
  domains: string;
  domain: string;
  certificateExpiresOn: string;
  daysLeft: string;
  noDomains: string;
  assets: string;
  kind: string;
  holder: string;
  location: string;
  notes: string;
  lastVerifiedOn: string;
  noAssets: string;
  unrecorded: string;
  recovery: string;
  deadlines: string;
  noDeadlines: string;
  qualifications: string;
  requirement: string;
  number: string;
  issuer: string;
  issuedOn: string;
  expiresOn: string;
  originalHeldBy: string;
  noQualifications: string;
  contacts: string;
  ownerContacts: string;
  vendorContacts: string;
  person: string;
  role: string;
  email: string;
  noContacts: string;
  noSecrets: string;
  withheld: (n: number) => string;
  none: string;
  /** Between items of an inline list. */
  listSeparator: string;
  holders: Record<AssetHolder, string>;
  statuses: Record<string, string>;
  roles: Record<string, string>;
  kinds: Record<AssetKind, string>;
}

/** The asset kinds' names shared with the continuity alert, capitalized to stand alone in a table cell. */
function kindNames(locale: ExportLocale): Record<AssetKind, string> {
  const names = {} as Record<AssetKind, string>;
  for (const kind of ASSET_KINDS) {
    const name = ASSET_KIND_NAMES[kind][locale];
    names[kind] = name.charAt(0).toUpperCase() + name.slice(1);
  }
  return names;
}

const zhCN: HandoverLabels = {
  title: '小程序交接资料',
  generatedAt: '生成时间',
  intro: '供接手的服务商使用：小程序的基本信息、域名、资产及其保管情况、待办截止事项和清单、资质与联系人。',
  facts: '基本信息',
  name: '名称',
  appId: 'AppID',
  owner: '主体',
  creditCode: '统一社会信用代码',
  serviceCategories: '服务类目',
  certificationExpiresOn: '微信认证到期',
  icpFilingNumber: 'ICP 备案号',
  vendor: '服务商',
  noVendor: '未登记服务商。',
  vendorName: '名称',
  status: '状态',
  since: '状态起始',
  reason: '原因',
  evidence: '依据',
  contractEndsOn: '合同到期',
  domains: '服务器域名',
  domain: '域名',
  certificateExpiresOn: '证书到期',
  daysLeft: '剩余天数',
  noDomains: '未登记服务器域名。',
  assets: '资产与保管',
  kind: '资产',
  holder: '保管方',
  location: '所在位置',
  notes: '备注',
  lastVerifiedOn: '最近核实',
  noAssets: '保管登记为空。',
  unrecorded: '未登记的资产',
  recovery: '收回步骤',
  deadlines: '待办截止事项与清单',
  noDeadlines: '没有待办的截止事项。',
  qualifications: '资质',
  requirement: '资质',
  number: '编号',
  issuer: '发证机关',
  issuedOn: '发证日期',
  expiresOn: '到期日期',
  originalHeldBy: '原件保管',
  noQualifications: '未登记资质。',
  contacts: '联系人',
  ownerContacts: '业主联系人',
  vendorContacts: '服务商联系人',
  person: '姓名',
  role: '角色',
  email: '邮箱',
  noContacts: '无',
  noSecrets: '本资料不含任何密钥、密码或令牌：保管登记只记录由谁保管、放在哪里。',
  withheld: (n) => `有 ${n} 项内容疑似密钥，已隐去。`,
  none: '—',
  listSeparator: '、',
  holders: { owner: '业主', vendor: '服务商', third_party: '第三方', unknown: '未知' },
  statuses: { active: '正常', unresponsive: '联系不上', ceased: '已停止经营' },
  roles: { operator: '运营', manager: '主管', executive: '负责人', legal: '法务' },
  kinds: kindNames('zh-CN'),
};

const en: HandoverLabels = {
  title: 'Mini-program handover pack',
  generatedAt: 'Generated',
  intro:
    "For the vendor taking over: the mini-program's facts, domains, assets and who holds them, open deadlines with their checklists, qualifications and contacts.",
  facts: 'Facts',
  name: 'Name',
  appId: 'AppID',
  owner: 'Owner entity',
  creditCode: 'Unified social credit code',
  serviceCategories: 'Service categories',
  certificationExpiresOn: 'WeChat certification expires',
  icpFilingNumber: 'ICP filing number',
  vendor: 'Vendor',
  noVendor: 'No vendor recorded.',
  vendorName: 'Name',
  status: 'Status',
  since: 'Since',
  reason: 'Reason',
  evidence: 'Evidence',
  contractEndsOn: 'Contract ends',
  domains: 'Server domains',
  domain: 'Domain',
  certificateExpiresOn: 'Certificate expires',
  daysLeft: 'Days left',
  noDomains: 'No server domains recorded.',
  assets: 'Assets and custody',
  kind: 'Asset',
  holder: 'Held by',
  location: 'Where',
  notes: 'Notes',
  lastVerifiedOn: 'Last verified',
  noAssets: 'The custody register is empty.',
  unrecorded: 'Not recorded',
  recovery: 'Recovery steps',
  deadlines: 'Open deadlines and checklists',
  noDeadlines: 'No open deadlines.',
  qualifications: 'Qualifications',
  requirement: 'Qualification',
  number: 'Number',
  issuer: 'Issuer',
  issuedOn: 'Issued',
  expiresOn: 'Expires',
  originalHeldBy: 'Original held by',
  noQualifications: 'No qualifications recorded.',
  contacts: 'Contacts',
  ownerContacts: "Owner's contacts",
  vendorContacts: "Vendor's contacts",
  person: 'Name',
  role: 'Role',
  email: 'E-mail',
  noContacts: 'None',
  noSecrets:
    'This pack holds no key, password or token: the custody register records who holds what and where, never the secret.',
  withheld: (n) => `${n} value(s) that look like secrets were left out.`,
  none: '-',
  listSeparator: ', ',
  holders: { owner: 'Owner', vendor: 'Vendor', third_party: 'Third party', unknown: 'Unknown' },
  statuses: { active: 'Active', unresponsive: 'Unresponsive', ceased: 'Ceased' },
  roles: { operator: 'Operator', manager: 'Manager', executive: 'Executive', legal: 'Legal' },
  kinds: kindNames('en'),
};

export function handoverLabelsFor(locale: ExportLocale): HandoverLabels {
  return locale === 'en' ? en : zhCN;
}
