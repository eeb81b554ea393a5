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
      expect([r.code, /^https?:\/\/[^/]+\.[a-z]+\//.test(r.sourceUrl)]).toEqual([r.code, true]);
      expect([r.code, r.checkedOn >= '2026-11-25']).toEqual([r.code, true]);
    }
  });

  it('cites a page, not a portal home page, unless the entry says the fact is not confirmed by it', () => {
    for (const r of catalogue.requirements) {
      const homepage = new URL(r.sourceUrl).pathname === '/';
      // A home page supports nothing specific: such an entry is not 'confirmed' and lets its dates be overridden.
      if (homepage) expect([r.code, r.confidence]).not.toEqual([r.code, 'confirmed']);
    }
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
