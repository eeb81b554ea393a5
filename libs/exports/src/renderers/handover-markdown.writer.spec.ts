import { describe, expect, it } from '@jest/globals';

import { handoverInput } from '../../../domain/src/continuity/handover.fixture.js';
import { composeHandover, type HandoverInput } from '../../../domain/src/continuity/index.js';
import { memorySink } from './checklist-rows.fixture.js';
import { renderHandoverMarkdown, writeHandoverMarkdown } from './handover-markdown.writer.js';

const render = (locale: 'zh-CN' | 'en', overrides: Partial<HandoverInput> = {}) =>
  renderHandoverMarkdown(composeHandover(handoverInput(overrides), locale));

/** The lines from `heading` up to the next heading of the same or a higher level. */
function section(md: string, heading: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((line, i) => i > start && /^#+ /.test(line) && line.indexOf(' ') <= level);
  return lines.slice(start, end === -1 ? undefined : end).filter((line) => line !== '');
}

describe('renderHandoverMarkdown', () => {
  it('opens with the title, the organization, the time and the no-secrets notice', () => {
    expect(render('zh-CN').split('\n').slice(0, 8)).toEqual([
      '# 小程序交接资料：康宁互联网医院',
      '',
      '- 机构：康宁健康集团',
      '- 生成时间：2026-11-25 10:30 (Asia/Shanghai)',
      '',
      '供接手的服务商使用：小程序的基本信息、域名、资产及其保管情况、待办截止事项和清单、资质与联系人。',
      '',
      '> 本资料不含任何密钥、密码或令牌：保管登记只记录由谁保管、放在哪里。',
    ]);
  });

  it('writes the facts and the vendor as lists', () => {
    const md = render('zh-CN');
    expect(section(md, '## 基本信息')).toEqual([
      '## 基本信息',
      '- 名称：康宁互联网医院',
      '- AppID：wx3f9a1c2e7b4d8a06',
      '- 主体：深圳市康宁医疗科技有限公司',
      '- 统一社会信用代码：91440300MA5G7K2Q99',
      '- 服务类目：医疗 > 互联网医院、医疗 > 医疗信息服务',
      '- 微信认证到期：2027-03-31',
      '- ICP 备案号：粤ICP备2023123456号-1X',
    ]);
    expect(section(md, '## 服务商')).toEqual([
      '## 服务商',
      '- 名称：杭州快码网络科技有限公司',
      '- 状态：已停止经营',
      '- 状态起始：2026-11-20',
      '- 原因：公司已注销',
      '- 依据：国家企业信用信息公示系统 2026-11-20',
      '- 合同到期：2027-06-30',
    ]);
    expect(section(render('en', { vendor: null }), '## Vendor')).toEqual([
      '## Vendor',
      'No vendor recorded.',
    ]);
  });

  it('tables the domains with their certificate deadlines', () => {
    expect(section(render('en'), '## Server domains')).toEqual([
      '## Server domains',
      '| Domain | Certificate expires | Days left |',
      '| --- | --- | --- |',
      '| api.kangning.example.cn | 2027-01-10 | 46 |',
      '| static.kangning.example.cn | - | - |',
      '| pay.kangning.example.cn | 2026-12-01 | 6 |',
    ]);
  });

  it('tables the assets, names what is unrecorded and gives a recovery task per kind the vendor may hold', () => {
    expect(section(render('en'), '## Assets and custody')).toEqual([
      '## Assets and custody',
      '| Asset | Held by | Where | Last verified | Notes |',
      '| --- | --- | --- | --- | --- |',
      '| Source code | Vendor | https\\://git.vendor.example.cn/kangning/app | - | 合同第 8 条：源代码归业主所有 |',
      '| Admin binding | Vendor | 服务商项目经理的微信 | 2026-11-20 | - |',
      '| Servers | Unknown | - | - | - |',
      '| Backups | Owner | 本单位 NAS | 2026-10-01 | - |',
      'Not recorded: Developer accounts, AppSecret, Cloud account, Domain registrar account, TLS certificates, WeChat Pay merchant account, Payment keys and certificates, Original licences, Message-push URL',
      '### Recovery steps',
      '- [ ] **Source code**: Claim the repository and build pipeline under the contract; if it runs from a third-party platform template, a rebuild may be needed.',
      '- [ ] **Admin binding**: Rebind the administrator: the current admin must scan; if that person is gone, the legal representative appeals to WeChat (route not confirmed: contact WeChat support early).',
      '- [ ] **Servers**: Take over or migrate the servers and change every credential.',
    ]);
  });

  it('writes each open deadline with its checklist', () => {
    expect(section(render('zh-CN'), '### 微信认证年审')).toEqual([
      '### 微信认证年审',
      '| 截止日期 | 最迟办理日 | 剩余天数 | 状态 | 办理人 |',
      '| --- | --- | --- | --- | --- |',
      '| 2027-03-31 | 2027-03-17 | 126 | 待办 | 业主自行办理（服务商已失联） |',
      '**所需材料**',
      '- [ ] 营业执照副本扫描件',
      '**办理步骤**',
      '- [ ] 管理员扫码登录 mp.weixin.qq.com（执行方：管理员（绑定微信））',
      '**逾期后果**：认证过期后无法使用微信支付',
      '**依据**：https\\://developers.weixin.qq.com/',
    ]);
    expect(section(render('en', { deadlines: [] }), '## Open deadlines and checklists')).toEqual([
      '## Open deadlines and checklists',
      'No open deadlines.',
    ]);
  });

  it('tables the qualifications and both lists of contacts', () => {
    const md = render('en');
    expect(section(md, '## Qualifications')).toEqual([
      '## Qualifications',
      '| Qualification | Number | Issuer | Issued | Expires | Original held by |',
      '| --- | --- | --- | --- | --- | --- |',
      '| 互联网医院执业许可 (internet_hospital_licence) | 粤卫医 2025-001 | 广东省卫生健康委员会 | 2025-01-10 | 2028-01-09 | Vendor |',
    ]);
    expect(section(md, "### Owner's contacts")).toEqual([
      "### Owner's contacts",
      '| Name | Role | E-mail |',
      '| --- | --- | --- |',
      '| 刘洋 | Operator | liu.yang@kangning.example.cn |',
      '| 王丽 | Manager | wang.li@kangning.example.cn |',
    ]);
    expect(section(render('en', { vendorContacts: [] }), "### Vendor's contacts")).toEqual([
      "### Vendor's contacts",
      'None',
    ]);
  });

  it('escapes user text so that it cannot become a link, HTML or a new table cell', () => {
    const md = render('en', {
      assets: [
        {
          kind: 'servers',
          holder: 'owner',
          location: '<img src=x> | [a](http://evil)',
          notes: null,
          lastVerifiedOn: null,
        },
      ],
    });
    expect(md).toContain('| Servers | Owner | \\<img src=x> \\| \\[a\\](http\\://evil) | - | - |');
    expect(md).not.toMatch(/(^|[^\\])<img/);
  });

  it('says how many values were withheld as secrets, and shows none of them', () => {
    const secret = '3f1c0a9b2d4e5f60718293a4b5c6d7e8';
    const md = render('en', {
      assets: [
        {
          kind: 'app_secret',
          holder: 'vendor',
          location: null,
          notes: `AppSecret ${secret}`,
          lastVerifiedOn: null,
        },
      ],
    });
    expect(md).not.toContain(secret);
    expect(md).toContain('| AppSecret | Vendor | - | - | \\[withheld: looks like a secret\\] |');
    expect(md).toContain('1 value(s) that look like secrets were left out.');
  });

  it('writes the same text to a stream and ends it', async () => {
    const sink = memorySink();
    const pack = composeHandover(handoverInput(), 'zh-CN');
    await writeHandoverMarkdown(pack, sink.out);
    expect(sink.bytes().toString('utf8')).toBe(renderHandoverMarkdown(pack));
    expect(sink.out.writableFinished).toBe(true);
  });
});
