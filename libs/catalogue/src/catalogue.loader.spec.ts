import { describe, expect, it } from '@jest/globals';
import bundled from '../data/requirements.json' with { type: 'json' };
import { CatalogueError } from './catalogue.error.js';
import { loadCatalogue } from './catalogue.loader.js';

type Raw = typeof bundled & Record<string, unknown>;
const copy = (): Raw => structuredClone(bundled);
const indexOf = (raw: Raw, code: string) => raw.requirements.findIndex((r) => r.code === code);

function messageOf(raw: unknown): string {
  try {
    loadCatalogue(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogueError);
    return (error as Error).message;
  }
  throw new Error('expected the catalogue to be rejected');
}

describe('the bundled catalogue', () => {
  const catalogue = loadCatalogue();

  it('validates', () => {
    expect(catalogue.requirements.length).toBeGreaterThanOrEqual(15);
  });

  it('has the codes other modules rely on', () => {
    expect(catalogue.requirements.map((r) => r.code)).toEqual(
      expect.arrayContaining([
        'wechat_certification_annual_review',
        'mini_program_icp_filing',
        'icp_vas_licence',
        'icp_annual_report',
        'internet_drug_info_certificate',
        'medical_institution_licence',
        'internet_hospital',
        'medical_device_business_licence',
        'payment_business_licence',
        'food_business_licence',
        'internet_culture_licence',
        'private_school_licence',
        'wechat_pay_platform_certificate',
        'wechat_pay_api_certificate',
        'vendor_contract',
      ]),
    );
  });

  it('gives every entry a source and the date it was checked', () => {
    for (const r of catalogue.requirements) {
      // Several regulators' notices survive only as plain-http reprints: http is accepted, the date is not optional.
      // No source at all is allowed only when the entry says why and claims nothing ('open').
      const sourced = r.sourceUrl !== null && /^https?:\/\/[^/]+\.[a-z]+\/./.test(r.sourceUrl);
      const saysWhyNot = r.sourceUrl === null && !!r.sourceNote && r.confidence === 'open';
      expect([r.code, sourced || saysWhyNot]).toEqual([r.code, true]);
      expect([r.code, r.checkedOn >= '2026-11-25']).toEqual([r.code, true]);
    }
  });

  it('cites a page, never a portal home page', () => {
    for (const r of catalogue.requirements) {
      const homepage = r.sourceUrl !== null && new URL(r.sourceUrl).pathname === '/';
      expect([r.code, homepage]).toEqual([r.code, false]);
    }
  });

  // Checked by hand on 2026-12-01 (see the closing note's table): where each fact comes from and how sure it is.
  it.each([
    ['medical_institution_licence', 'github.com/LawRefBook/Laws/', 'confirmed'],
    ['medical_institution_inspection', 'github.com/LawRefBook/Laws/', 'confirmed'],
    ['private_school_licence', 'github.com/LawRefBook/Laws/', 'confirmed'],
    ['medical_device_business_licence', 'github.com/LawRefBook/Laws/', 'likely'],
    ['internet_drug_info_certificate', 'github.com/LawRefBook/Laws/', 'confirmed'],
    ['enterprise_annual_report', 'github.com/LawRefBook/Laws/', 'confirmed'],
    ['food_business_licence', 'www.gov.cn/gongbao/2023/', 'likely'],
    ['icp_annual_report', 'cqca.miit.gov.cn/', 'confirmed'],
    ['icp_vas_licence', '11467.com/', 'confirmed'],
    ['vendor_contract', null, 'open'],
  ])('%s cites %s at confidence %s', (code, source, confidence) => {
    const r = catalogue.requirements.find((x) => x.code === code)!;
    if (source === null) expect(r.sourceUrl).toBeNull();
    else expect(r.sourceUrl).toContain(source);
    expect(r.confidence).toBe(confidence);
  });

  it('the medical institution inspection says what the regulation says (art. 22, 45)', () => {
    const r = catalogue.requirements.find((x) => x.code === 'medical_institution_inspection')!;
    expect(r.notes[0].en).toMatch(
      /fewer than 100 beds is inspected every year, one with 100 or more every 3 years/,
    );
    expect(r.consequences[0]).toMatchObject({ confidence: 'confirmed', capability: 'category_functions' });
  });

  it('the food licence window opens 90 working days before expiry and the apply-by stays at 30', () => {
    const r = catalogue.requirements.find((x) => x.code === 'food_business_licence')!;
    expect(r.schedule).toMatchObject({
      windowOpensBefore: { amount: 90, unit: 'working_days', overridable: true },
      applyBy: { amount: 30, unit: 'working_days', overridable: true },
    });
  });

  it('lets organizations override some date rule of every entry that is not confirmed', () => {
    for (const r of catalogue.requirements.filter((x) => x.confidence !== 'confirmed')) {
      const overridable =
        r.schedule.applyBy.overridable ||
        (r.schedule.type === 'before_due' && r.schedule.windowOpensBefore.overridable) ||
        (r.validity.type !== 'none' && r.validity.overridable);
      expect([r.code, overridable]).toEqual([r.code, true]);
    }
  });

  it('maps every category and feature to known requirement codes', () => {
    const codes = new Set(catalogue.requirements.map((r) => r.code));
    for (const entry of [...catalogue.serviceCategories, ...catalogue.features]) {
      for (const code of entry.requirementCodes) expect([code, codes.has(code)]).toEqual([code, true]);
    }
  });

  it('fills the defaults the file leaves out', () => {
    const icp = catalogue.requirements.find((r) => r.code === 'icp_vas_licence')!;
    expect(icp.schedule).toEqual({
      type: 'before_due',
      windowOpensBefore: { amount: 6, unit: 'months', overridable: true },
      applyBy: { amount: 90, unit: 'days', overridable: false },
    });
    expect(icp.impliedBy).toEqual([]);
  });
});

describe('a broken catalogue names the entry and the field', () => {
  it('a missing source URL', () => {
    const raw = copy();
    delete (raw.requirements[indexOf(raw, 'icp_vas_licence')] as Record<string, unknown>).sourceUrl;
    expect(messageOf(raw)).toMatch(/requirement icp_vas_licence, field sourceUrl:/);
  });

  it('a portal home page as the source', () => {
    const raw = copy();
    raw.requirements[indexOf(raw, 'private_school_licence')].sourceUrl = 'https://www.moe.gov.cn/';
    expect(messageOf(raw)).toMatch(
      /requirement private_school_licence, field sourceUrl: must be a page that supports the fact, not a home page/,
    );
  });

  it('no source without saying why, or while claiming more than open', () => {
    const raw = copy();
    const entry = raw.requirements[indexOf(raw, 'food_business_licence')] as Record<string, unknown>;
    entry.sourceUrl = null;
    expect(messageOf(raw)).toMatch(
      /requirement food_business_licence, field sourceNote: is required when sourceUrl is null/,
    );
    entry.sourceNote = { 'zh-CN': '没有来源', en: 'No source' };
    expect(messageOf(raw)).toMatch(/requirement food_business_licence, field confidence: must be 'open'/);
    entry.confidence = 'open';
    expect(() => loadCatalogue(raw)).not.toThrow();
  });

  it('a code that is not snake_case', () => {
    const raw = copy();
    raw.requirements[indexOf(raw, 'food_business_licence')].code = 'Food-Licence';
    expect(messageOf(raw)).toMatch(/requirement Food-Licence, field code: must be lowercase snake_case/);
  });

  it('an empty translation deep inside an entry', () => {
    const raw = copy();
    raw.requirements[indexOf(raw, 'wechat_certification_annual_review')].documents[1].name.en = ' ';
    expect(messageOf(raw)).toMatch(
      /requirement wechat_certification_annual_review, field documents\[1\]\.name\.en:/,
    );
  });

  it('an unknown unit', () => {
    const raw = copy();
    (raw.requirements[indexOf(raw, 'food_business_licence')].schedule.applyBy as { unit: string }).unit =
      'weeks';
    expect(messageOf(raw)).toMatch(/requirement food_business_licence, field schedule\.applyBy\.unit:/);
  });

  it('an impossible checked-on date', () => {
    const raw = copy();
    raw.requirements[indexOf(raw, 'internet_hospital')].checkedOn = '2026-02-30';
    expect(messageOf(raw)).toMatch(/requirement internet_hospital, field checkedOn: must be a real date/);
  });

  it('an unexpected field', () => {
    const raw = copy();
    (raw.requirements[indexOf(raw, 'vendor_contract')] as Record<string, unknown>).deadline = '2027-01-01';
    expect(messageOf(raw)).toMatch(/requirement vendor_contract, field deadline:/);
  });

  it('a duplicate code', () => {
    const raw = copy();
    raw.requirements[indexOf(raw, 'internet_hospital')].code = 'food_business_licence';
    expect(messageOf(raw)).toMatch(
      /requirement food_business_licence, field code: duplicate requirement code/,
    );
  });

  it('a category pointing at an unknown code', () => {
    const raw = copy();
    raw.serviceCategories.find((c) => c.path === '游戏')!.requirementCodes = ['internet_culture_license'];
    expect(messageOf(raw)).toMatch(
      /category 游戏, field requirementCodes\[0\]: refers to unknown requirement code/,
    );
  });

  it('a feature pointing at an unknown code', () => {
    const raw = copy();
    raw.features[0].requirementCodes.push('wechat_pay_key');
    expect(messageOf(raw)).toMatch(/feature wechat_pay, field requirementCodes\[3\]: refers to unknown/);
  });

  it('a window that opens after the apply-by date', () => {
    const raw = copy();
    const schedule = raw.requirements[indexOf(raw, 'payment_business_licence')].schedule as {
      windowOpensBefore: { amount: number; unit: string };
    };
    schedule.windowOpensBefore = { amount: 10, unit: 'days' };
    expect(messageOf(raw)).toMatch(
      /requirement payment_business_licence, field schedule\.windowOpensBefore: must open no later than the apply-by/,
    );
  });

  it('a mapped requirement nothing leads to', () => {
    const raw = copy();
    raw.serviceCategories = raw.serviceCategories.filter((c) => c.path !== '金融业 > 支付');
    expect(messageOf(raw)).toMatch(/requirement payment_business_licence, field appliesTo:/);
  });

  it('not an object at all', () => {
    expect(messageOf('nope')).toMatch(/^Invalid catalogue: catalogue, field \(entry\):/);
  });

  it('counts the other problems', () => {
    const raw = copy();
    delete (raw.requirements[0] as Record<string, unknown>).sourceUrl;
    delete (raw.requirements[1] as Record<string, unknown>).checkedOn;
    expect(messageOf(raw)).toMatch(/\(and 1 more\)$/);
  });
});
