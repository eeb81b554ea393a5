import { daysBetween, type LocalDate } from '../time/index.js';
import type { AssetHolder, AssetKind } from './assets.js';

export interface RiskInput {
  today: LocalDate;
  vendor: { status: 'active' | 'unresponsive' | 'ceased'; contractEndsOn: LocalDate | null } | null;
  assets: { kind: AssetKind; holder: AssetHolder; lastVerifiedOn: LocalDate | null }[];
  qualificationOriginals: ('owner' | 'vendor' | 'third_party')[];
  usesWechatPay: boolean;
  /** Days to the nearest live deadline (negative when overdue), or null when none. */
  nearestDeadlineDays: number | null;
}

export interface RiskFactor {
  code: string;
  points: number;
  why: { 'zh-CN': string; en: string };
  action: { 'zh-CN': string; en: string };
}

/**
 * Points per factor. The weights follow what costs an owner most time to recover when the vendor is gone
 * (DOMAIN.md, "What the vendor usually holds"): the admin binding and the source code are the slowest to
 * get back (an appeal to WeChat; a rewrite), a ceased vendor makes every held asset urgent, keys and
 * servers can be reset or moved by the owner in days.
 */
export const RISK_WEIGHTS = {
  vendor_ceased: 30,
  vendor_unresponsive: 20,
  admin_binding_not_owner: 25,
  no_source_copy: 20,
  app_secret_not_owner: 10,
  infrastructure_not_owner: 10,
  payment_keys_not_owner: 10,
  qualification_original_with_vendor: 5,
  contract_ends_soon: 10,
  deadline_close_vendor_unavailable: 15,
  custody_unverified: 5,
} as const;

export const MAX_QUALIFICATION_POINTS = 10;
export const UNVERIFIED_AFTER_DAYS = 180;

const F = (
  code: keyof typeof RISK_WEIGHTS,
  points: number,
  why: [string, string],
  action: [string, string],
): RiskFactor => ({
  code,
  points,
  why: { 'zh-CN': why[0], en: why[1] },
  action: { 'zh-CN': action[0], en: action[1] },
});

/** A continuity risk score from 0 to 100 that explains itself: every factor with its points and the fix. */
export function riskScore(input: RiskInput): { score: number; factors: RiskFactor[] } {
  const factors: RiskFactor[] = [];
  const held = (kinds: AssetKind[]) => input.assets.filter((a) => kinds.includes(a.kind));
  const ownerHolds = (kinds: AssetKind[]) => held(kinds).some((a) => a.holder === 'owner');
  const vendorUnavailable = input.vendor !== null && input.vendor.status !== 'active';

  if (input.vendor?.status === 'ceased') {
    factors.push(
      F(
        'vendor_ceased',
        RISK_WEIGHTS.vendor_ceased,
        ['服务商已停止经营', 'The vendor has ceased'],
        [
          '立即按交接清单收回资产，并物色替代服务商',
          'Recover every asset on the handover checklist now and find a replacement vendor',
        ],
      ),
    );
  } else if (input.vendor?.status === 'unresponsive') {
    factors.push(
      F(
        'vendor_unresponsive',
        RISK_WEIGHTS.vendor_unresponsive,
        ['服务商联系不上', 'The vendor does not answer'],
        ['书面催告服务商并开始收回资产', 'Send the vendor a written notice and start recovering assets'],
      ),
    );
  }
  if (!ownerHolds(['admin_binding'])) {
    factors.push(
      F(
        'admin_binding_not_owner',
        RISK_WEIGHTS.admin_binding_not_owner,
        [
          '管理员不是本单位人员（或未登记）',
          'The administrator binding is not held by the owner (or not recorded)',
        ],
        [
          '把小程序管理员换绑为本单位员工',
          "Rebind the mini-program's administrator to an employee of the owner",
        ],
      ),
    );
  }
  if (!ownerHolds(['source_code'])) {
    factors.push(
      F(
        'no_source_copy',
        RISK_WEIGHTS.no_source_copy,
        ['本单位没有源代码副本', 'The owner holds no copy of the source code'],
        ['取得源代码仓库的副本或访问权限', 'Obtain a copy of, or access to, the source repository'],
      ),
    );
  }
  if (!ownerHolds(['app_secret'])) {
    factors.push(
      F(
        'app_secret_not_owner',
        RISK_WEIGHTS.app_secret_not_owner,
        ['AppSecret 不在本单位掌握中', 'The owner does not control the AppSecret'],
        [
          '在“开发管理 > 开发设置”中重置 AppSecret（会中断服务商后端）',
          'Reset the AppSecret under 开发管理 > 开发设置 (this cuts off the vendor backend)',
        ],
      ),
    );
  }
  const infra: AssetKind[] = ['servers', 'cloud_account', 'domain_registrar'];
  if (held(infra).some((a) => a.holder !== 'owner') || held(infra).length === 0) {
    factors.push(
      F(
        'infrastructure_not_owner',
        RISK_WEIGHTS.infrastructure_not_owner,
        [
          '服务器、云账号或域名不在本单位名下（或未登记）',
          "Servers, cloud account or domain are not in the owner's name (or not recorded)",
        ],
        ['把云账号和域名转到本单位名下', "Transfer the cloud account and the domain to the owner's name"],
      ),
    );
  }
  if (input.usesWechatPay && !ownerHolds(['payment_keys'])) {
    factors.push(
      F(
        'payment_keys_not_owner',
        RISK_WEIGHTS.payment_keys_not_owner,
        [
          '微信支付密钥和证书不在本单位掌握中',
          'The owner does not control the WeChat Pay keys and certificates',
        ],
        [
          '由商户超级管理员重新申请 API 证书并设置 APIv3 密钥',
          'Have the merchant super-admin re-issue the API certificate and set a new APIv3 key',
        ],
      ),
    );
  }
  const withVendor = input.qualificationOriginals.filter((h) => h === 'vendor').length;
  if (withVendor > 0) {
    factors.push(
      F(
        'qualification_original_with_vendor',
        Math.min(MAX_QUALIFICATION_POINTS, withVendor * RISK_WEIGHTS.qualification_original_with_vendor),
        [
          `${withVendor} 份资质原件在服务商手中`,
          `${withVendor} qualification original(s) held by the vendor`,
        ],
        ['收回资质证书原件', 'Take back the original certificates'],
      ),
    );
  }
  if (input.vendor?.contractEndsOn && daysBetween(input.today, input.vendor.contractEndsOn) <= 90) {
    factors.push(
      F(
        'contract_ends_soon',
        RISK_WEIGHTS.contract_ends_soon,
        ['服务合同 90 天内到期', 'The service contract ends within 90 days'],
        ['续签合同或安排交接', 'Renew the contract or plan the handover'],
      ),
    );
  }
  if (vendorUnavailable && input.nearestDeadlineDays !== null && input.nearestDeadlineDays <= 30) {
    factors.push(
      F(
        'deadline_close_vendor_unavailable',
        RISK_WEIGHTS.deadline_close_vendor_unavailable,
        ['服务商不可用且 30 天内有到期事项', 'A deadline is within 30 days while the vendor is unavailable'],
        ['按提醒中的清单自行办理', 'Follow the self-service checklist in the reminder'],
      ),
    );
  }
  const stale = input.assets.filter(
    (a) => a.lastVerifiedOn === null || daysBetween(a.lastVerifiedOn, input.today) > UNVERIFIED_AFTER_DAYS,
  );
  if (stale.length > 0) {
    factors.push(
      F(
        'custody_unverified',
        RISK_WEIGHTS.custody_unverified,
        [`${stale.length} 项资产半年内未核实`, `${stale.length} asset(s) not verified in the last 180 days`],
        ['逐项核实资产的保管人和位置', 'Verify who holds each asset and where'],
      ),
    );
  }
  const total = factors.reduce((sum, f) => sum + f.points, 0);
  return { score: Math.min(100, total), factors };
}
