import type { HandoverInput } from './handover.js';

/** A mini-program whose vendor has ceased, with a bit of everything a handover pack shows. */
export function handoverInput(overrides: Partial<HandoverInput> = {}): HandoverInput {
  return {
    organizationName: '康宁健康集团',
    timeZone: 'Asia/Shanghai',
    generatedAt: new Date('2026-11-25T02:30:00Z'),
    today: '2026-11-25',
    miniProgram: {
      name: '康宁互联网医院',
      appId: 'wx3f9a1c2e7b4d8a06',
      ownerName: '深圳市康宁医疗科技有限公司',
      ownerCreditCode: '91440300MA5G7K2Q99',
      serviceCategories: ['医疗 > 互联网医院', '医疗 > 医疗信息服务'],
      certificationExpiresOn: '2027-03-31',
      icpFilingNumber: '粤ICP备2023123456号-1X',
      serverDomains: ['api.kangning.example.cn', 'static.kangning.example.cn'],
    },
    vendor: {
      name: '杭州快码网络科技有限公司',
      status: 'ceased',
      since: '2026-11-20',
      reason: '公司已注销',
      evidence: '国家企业信用信息公示系统 2026-11-20',
      contractEndsOn: '2027-06-30',
    },
    subjectDeadlines: [
      { kind: 'annual_review', subjectKey: 'mp:annual_review', dueOn: '2027-03-31' },
      { kind: 'certificate_expiry', subjectKey: 'tls:api.kangning.example.cn', dueOn: '2027-01-10' },
      { kind: 'certificate_expiry', subjectKey: 'tls:api.kangning.example.cn', dueOn: '2027-04-10' },
      { kind: 'certificate_expiry', subjectKey: 'tls:pay.kangning.example.cn', dueOn: '2026-12-01' },
    ],
    assets: [
      { kind: 'backups', holder: 'owner', location: '本单位 NAS', notes: null, lastVerifiedOn: '2026-10-01' },
      {
        kind: 'admin_binding',
        holder: 'vendor',
        location: '服务商项目经理的微信',
        notes: null,
        lastVerifiedOn: '2026-11-20',
      },
      {
        kind: 'source_code',
        holder: 'vendor',
        location: 'https://git.vendor.example.cn/kangning/app',
        notes: '合同第 8 条：源代码归业主所有',
        lastVerifiedOn: null,
      },
      { kind: 'servers', holder: 'unknown', location: null, notes: null, lastVerifiedOn: null },
    ],
    deadlines: [
      {
        requirementName: '微信认证年审',
        kind: 'annual_review',
        dueOn: '2027-03-31',
        actBy: '2027-03-17',
        daysLeft: 126,
        state: 'open',
        whoMustAct: '业主自行办理（服务商已失联）',
        documents: [{ text: '营业执照副本扫描件', onFile: null }],
        steps: [{ text: '管理员扫码登录 mp.weixin.qq.com', actor: 'admin_binding' }],
        consequence: '认证过期后无法使用微信支付',
        sourceUrl: 'https://developers.weixin.qq.com/',
      },
    ],
    qualifications: [
      {
        code: 'internet_hospital_licence',
        name: '互联网医院执业许可',
        number: '粤卫医 2025-001',
        issuer: '广东省卫生健康委员会',
        issuedOn: '2025-01-10',
        expiresOn: '2028-01-09',
        originalHeldBy: 'vendor',
      },
    ],
    ownerContacts: [
      { name: '王丽', role: 'manager', email: 'wang.li@kangning.example.cn' },
      { name: '刘洋', role: 'operator', email: 'liu.yang@kangning.example.cn' },
    ],
    vendorContacts: [{ name: '陈工', role: 'operator', email: 'chen@vendor.example.cn' }],
    ...overrides,
  };
}
