import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../../libs/auth/src/auth-context.js';
import { OrganizationService } from '../../libs/auth/src/organization.service.js';
import { Clock } from '../../libs/common/src/clock.js';
import { AssetService } from '../../libs/continuity/src/asset.service.js';
import type { CreateAssetDto } from '../../libs/continuity/src/asset.dto.js';
import { addDays, localDateOf } from '../../libs/domain/src/time/index.js';
import { ContactService } from '../../libs/registry/src/contact.service.js';
import { MiniProgramService } from '../../libs/registry/src/mini-program.service.js';
import { VendorService } from '../../libs/registry/src/vendor.service.js';
import { PeopleService } from '../../libs/people/src/people.service.js';

export interface DemoResult {
  organizationId: string;
  organizationName: string;
  /** Shown once, when the demo is created; null when it already existed (make another with `key create`). */
  apiKey: string | null;
  /**
   * One-time link for the demo's first administrator to set a password and sign in to the console; null
   * when the demo already existed (invite someone with `cli user invite`).
   */
  signInLink: string | null;
  /** False when the demo organization already existed: nothing was added. */
  created: boolean;
  miniPrograms: number;
}

export const DEMO_ORGANIZATION = '康宁健康集团（演示）';
const SEEDED_MARK = 'demo_seeded';
/** app_state key holding the demo organization's id: the stable key that makes seeding idempotent. */
const DEMO_KEY = 'demo_organization';
/** Serializes seeds of one database (`npm start` with DEMO_SEED=always and `cli demo` at once). */
const SEED_LOCK = "hashtext('mp-guard demo seed')";

/**
 * Seed on a database with no organization, or redo a seed that a kill interrupted: the demo organization
 * exists but the mark written at the end of the seed does not (its records are removed first).
 */
export async function demoWanted(app: INestApplicationContext): Promise<boolean> {
  const db = app.get(DataSource);
  const [{ orgs }] = await db.query<{ orgs: number }[]>(`SELECT count(*)::int AS orgs FROM organizations`);
  if (orgs === 0) return true;
  const [mark] = await db.query<unknown[]>(`SELECT 1 FROM app_state WHERE key = $1`, [SEEDED_MARK]);
  if (mark) return false;
  const partial = await db.query<{ id: string }[]>(`SELECT id FROM organizations WHERE name = $1`, [
    DEMO_ORGANIZATION,
  ]);
  if (orgs !== partial.length) return false;
  await db.query(`DELETE FROM organizations WHERE name = $1`, [DEMO_ORGANIZATION]);
  return true;
}

/**
 * A demo organization whose dates are relative to today, so every urgency shows up on any day:
 * a certification due within a month, one overdue, a vendor that stopped answering and then ceased
 * (so its continuity alert waits in the outbox), a custody register, and a service category with no
 * qualification on file (a compliance gap).
 */
/** The demo's first console administrator; the link printed at first start sets its password. */
export const DEMO_ADMIN_EMAIL = 'admin@kangning.example.cn';

export async function seedDemo(app: INestApplicationContext): Promise<DemoResult> {
  const lock = app.get(DataSource).createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(${SEED_LOCK})`);
    const existing = await existingDemo(app);
    if (existing) return existing;
    return await createDemo(app);
  } finally {
    await lock.query(`SELECT pg_advisory_unlock(${SEED_LOCK})`).catch(() => undefined);
    await lock.release();
  }
}

/**
 * The demo organization the stable key names, once its seed has finished. A seed that a kill interrupted
 * (key written, completion mark not) is removed so that it is done again; a demo seeded before the key
 * existed is found by its name and given the key.
 */
async function existingDemo(app: INestApplicationContext): Promise<DemoResult | null> {
  const db = app.get(DataSource);
  const [key] = await db.query<{ value: string }[]>(`SELECT value FROM app_state WHERE key = $1`, [DEMO_KEY]);
  const [mark] = await db.query<unknown[]>(`SELECT 1 FROM app_state WHERE key = $1`, [SEEDED_MARK]);
  let id: string | null = key ? key.value : null; // jsonb: pg hands back the string
  if (id && !mark) {
    await db.query(`DELETE FROM organizations WHERE id = $1`, [id]);
    await db.query(`DELETE FROM app_state WHERE key = $1`, [DEMO_KEY]);
    return null;
  }
  if (!id && mark) {
    const [byName] = await db.query<{ id: string }[]>(
      `SELECT id FROM organizations WHERE name = $1 ORDER BY created_at LIMIT 1`,
      [DEMO_ORGANIZATION],
    );
    id = byName?.id ?? null;
    if (id) await rememberDemo(db, id);
  }
  if (!id) return null;
  const [org] = await db.query<{ name: string; mini_programs: number }[]>(
    `SELECT o.name, (SELECT count(*)::int FROM mini_programs m WHERE m.organization_id = o.id) AS mini_programs
       FROM organizations o WHERE o.id = $1`,
    [id],
  );
  if (!org) return null; // deleted since: seed a new one
  return {
    organizationId: id,
    organizationName: org.name,
    apiKey: null,
    signInLink: null,
    created: false,
    miniPrograms: org.mini_programs,
  };
}

async function rememberDemo(db: DataSource, organizationId: string): Promise<void> {
  await db.query(
    `INSERT INTO app_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [DEMO_KEY, JSON.stringify(organizationId)],
  );
}

async function createDemo(app: INestApplicationContext): Promise<DemoResult> {
  const timeZone = 'Asia/Shanghai';
  const { organization, apiKey } = await app
    .get(OrganizationService)
    .create({ name: DEMO_ORGANIZATION, timeZone, locale: 'zh-CN' });
  await rememberDemo(app.get(DataSource), organization.id);
  const ctx: AuthContext = {
    organizationId: organization.id,
    timeZone,
    locale: 'zh-CN',
    actorType: 'system',
    actorId: null,
    actorLabel: 'demo seed',
  };
  const today = localDateOf(app.get(Clock).now(), timeZone);
  const inDays = (n: number) => addDays(today, n);
  const vendors = app.get(VendorService);
  const contacts = app.get(ContactService);
  const miniPrograms = app.get(MiniProgramService);

  const yunsu = await vendors.create(ctx, {
    name: '深圳市云速科技有限公司',
    creditCode: '91440300MA5FQ8XJ28',
    contractEndsOn: inDays(80),
  });
  const kuaima = await vendors.create(ctx, {
    name: '杭州快码网络科技有限公司',
    contractEndsOn: inDays(200),
    status: 'unresponsive',
    statusReason: '客服电话停机，邮件两周无回复',
  });
  for (const c of [
    { name: '李娜', email: 'li.na@kangning.example.cn', role: 'operator' as const },
    { name: '张伟', email: 'zhang.wei@kangning.example.cn', role: 'manager' as const },
    {
      name: 'Chen Jie',
      email: 'chen.jie@kangning.example.cn',
      role: 'executive' as const,
      locale: 'en' as const,
    },
    { name: '王律师', email: 'legal@kangning.example.cn', role: 'legal' as const },
    { name: '赵工（云速）', email: 'zhao@yunsu.example.cn', role: 'operator' as const, vendorId: yunsu.id },
    {
      name: '钱经理（快码）',
      email: 'qian@kuaima.example.cn',
      role: 'manager' as const,
      vendorId: kuaima.id,
    },
  ]) {
    await contacts.create(ctx, c);
  }

  const registered = [
    await miniPrograms.create(ctx, {
      appId: 'wx3f8a1c2d4e5b6a70',
      name: '康宁互联网医院',
      ownerName: '广州康宁医疗科技有限公司',
      ownerCreditCode: '91440101MA59UQ8L6Y',
      serviceCategories: ['医疗 > 互联网医院', '医疗 > 药品信息'],
      features: ['wechat_pay'],
      vendorId: yunsu.id,
      certificationExpiresOn: inDays(25),
      icpFilingNumber: '粤ICP备2023123456号-1X',
      serverDomains: ['api.kangning-demo.cn', 'img.kangning-demo.cn'],
      qualifications: [
        {
          requirementCode: 'medical_institution_licence',
          number: 'PDY00001-440100',
          issuer: '广州市卫生健康委员会',
          issuedOn: '2023-06-01',
          expiresOn: inDays(300),
          originalHeldBy: 'owner',
        },
        {
          requirementCode: 'internet_drug_info_certificate',
          number: '(粤)-经营性-2022-0456',
          issuer: '广东省药品监督管理局',
          issuedOn: '2022-03-01',
          expiresOn: inDays(120),
          originalHeldBy: 'vendor',
        },
        // The server domain's registration, in the vendor's registrar account: a deadline of its own.
        {
          requirementCode: 'domain_name_registration',
          number: 'kangning-demo.cn',
          issuer: '阿里云（万网）',
          expiresOn: inDays(75),
          originalHeldBy: 'vendor',
        },
      ],
    }),
    await miniPrograms.create(ctx, {
      appId: 'wx9b7c6d5e4f3a2b10',
      name: '康宁优选商城',
      ownerName: '广州康宁医疗科技有限公司',
      ownerCreditCode: '91440101MA59UQ8L6Y',
      serviceCategories: ['餐饮 > 食品销售'],
      features: ['wechat_pay', 'third_party_merchants'],
      vendorId: yunsu.id,
      certificationExpiresOn: inDays(70),
      icpFilingNumber: '粤ICP备2023123456号-2X',
      serverDomains: ['shop.kangning-demo.cn'],
      qualifications: [
        {
          requirementCode: 'food_business_licence',
          number: 'JY14401010000001',
          issuer: '广州市市场监督管理局',
          issuedOn: '2022-09-01',
          expiresOn: inDays(400),
          originalHeldBy: 'owner',
        },
      ],
    }),
    await miniPrograms.create(ctx, {
      appId: 'wx0a1b2c3d4e5f6789',
      name: '康宁健康课堂',
      ownerName: '广州康宁教育咨询有限公司',
      ownerCreditCode: '91440101MA5CLX9N0R',
      serviceCategories: ['教育 > 培训机构'],
      vendorId: kuaima.id,
      certificationExpiresOn: inDays(-5),
      icpFilingNumber: '粤ICP备2024000321号-1X',
      serverDomains: ['edu.kangning-demo.cn'],
      qualifications: [
        {
          requirementCode: 'private_school_licence',
          number: '教民144010170000123号',
          issuer: '广州市教育局',
          issuedOn: '2021-09-01',
          expiresOn: inDays(45),
          originalHeldBy: 'vendor',
        },
      ],
    }),
  ];
  const [hospital, shop, school] = registered;
  const custody: [string, CreateAssetDto][] = [
    [
      hospital.id,
      {
        kind: 'admin_binding',
        holder: 'owner',
        location: '张伟的微信（管理员）',
        lastVerifiedOn: inDays(-20),
      },
    ],
    [hospital.id, { kind: 'source_code', holder: 'vendor', location: '云速私有 GitLab，合同约定交付源码' }],
    [hospital.id, { kind: 'servers', holder: 'vendor', location: '阿里云华南1（云速的账号）' }],
    [
      hospital.id,
      { kind: 'tls_certificates', holder: 'vendor', location: 'api/img.kangning-demo.cn，云速自动续期' },
    ],
    [
      hospital.id,
      { kind: 'payment_merchant_account', holder: 'owner', location: '微信支付商户平台，超级管理员张伟' },
    ],
    [
      shop.id,
      {
        kind: 'source_code',
        holder: 'owner',
        location: '公司 Git 仓库 kangning/shop',
        lastVerifiedOn: inDays(-60),
      },
    ],
    [shop.id, { kind: 'admin_binding', holder: 'owner', location: '李娜的微信（管理员）' }],
    [school.id, { kind: 'admin_binding', holder: 'vendor', location: '快码项目经理钱经理的微信' }],
    [school.id, { kind: 'app_secret', holder: 'vendor', location: '快码的后端配置，我方无副本' }],
    [school.id, { kind: 'source_code', holder: 'vendor', location: '快码第三方平台模板，我方无源码' }],
    [school.id, { kind: 'servers', holder: 'vendor', location: '快码的腾讯云账号' }],
    [school.id, { kind: 'domain_registrar', holder: 'owner', location: '阿里云万网，公司账号' }],
    [school.id, { kind: 'original_licences', holder: 'vendor', location: '办学许可证原件在快码办公室' }],
  ];
  const assets = app.get(AssetService);
  for (const [miniProgramId, asset] of custody) await assets.create(ctx, miniProgramId, asset);
  // The unresponsive vendor is then found deregistered: one continuity alert for the owner's manager and
  // executive goes into the outbox, listing what 快码 still holds.
  await vendors.update(ctx, kuaima.id, {
    status: 'ceased',
    statusReason: '公司已注销，办公室人去楼空',
    statusEvidence: '国家企业信用信息公示系统：注销登记',
  });
  await app
    .get(DataSource)
    .query(`INSERT INTO app_state (key, value) VALUES ($1, 'true') ON CONFLICT (key) DO NOTHING`, [
      SEEDED_MARK,
    ]);
  const invitation = await app
    .get(PeopleService)
    .invite(ctx, { email: DEMO_ADMIN_EMAIL, role: 'admin' }, { mail: false });
  return {
    organizationId: organization.id,
    organizationName: organization.name,
    apiKey: apiKey.key,
    signInLink: invitation.link,
    created: true,
    miniPrograms: registered.length,
  };
}
