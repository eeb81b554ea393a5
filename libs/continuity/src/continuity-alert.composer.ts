import type { EntityManager } from 'typeorm';
import { type Catalogue, findRequirement, type Locale } from '../../catalogue/src/index.js';
import {
  type AssetKind,
  type ContinuityAlertInput,
  renderContinuityAlert,
} from '../../domain/src/continuity/index.js';

/** Reads what a continuity alert says about one vendor: its mini-programs, what it holds, what is due next. */
export async function composeContinuityAlert(
  m: EntityManager,
  vendorId: string,
  catalogue: (overrides: Record<string, unknown>) => Catalogue,
  locale: Locale,
  publicUrl?: string,
) {
  const [vendor] = await m.query<
    {
      name: string;
      status: 'unresponsive' | 'ceased';
      status_reason: string | null;
      org_name: string;
      since_on: string;
      overrides: Record<string, unknown>;
    }[]
  >(
    `SELECT v.name, v.status, v.status_reason, o.name AS org_name, o.catalogue_overrides AS overrides,
            to_char(v.status_since AT TIME ZONE o.time_zone, 'YYYY-MM-DD') AS since_on
       FROM vendors v JOIN organizations o ON o.id = v.organization_id WHERE v.id = $1`,
    [vendorId],
  );
  if (!vendor) return null;
  const cat = catalogue(vendor.overrides);
  const mps = await m.query<{ id: string; name: string; app_id: string }[]>(
    `SELECT id, name, app_id FROM mini_programs WHERE vendor_id = $1 ORDER BY name`,
    [vendorId],
  );
  const miniPrograms: ContinuityAlertInput['miniPrograms'] = [];
  for (const mp of mps) {
    const assets = await m.query<{ kind: AssetKind }[]>(
      `SELECT DISTINCT kind FROM assets WHERE mini_program_id = $1 AND holder = 'vendor' ORDER BY kind`,
      [mp.id],
    );
    const originals = await m.query<{ requirement_code: string }[]>(
      `SELECT requirement_code FROM qualifications WHERE mini_program_id = $1 AND original_held_by = 'vendor' ORDER BY requirement_code`,
      [mp.id],
    );
    const deadlines = await m.query<
      { requirement_code: string | null; title: string | null; kind: string; due_on: string }[]
    >(
      `SELECT requirement_code, title, kind, due_on FROM deadlines
        WHERE mini_program_id = $1 AND state IN ('open', 'acknowledged', 'snoozed') ORDER BY due_on LIMIT 5`,
      [mp.id],
    );
    const name = (code: string | null, fallback: string) =>
      (code ? findRequirement(cat, code)?.name[locale] : undefined) ?? fallback;
    miniPrograms.push({
      name: mp.name,
      appId: mp.app_id,
      heldByVendor: assets.map((a) => a.kind),
      originalsWithVendor: originals.map((o) => name(o.requirement_code, o.requirement_code)),
      nextDeadlines: deadlines.map((d) => ({
        title: name(d.requirement_code, d.title ?? d.kind),
        dueOn: d.due_on,
      })),
    });
  }
  return renderContinuityAlert(
    {
      organizationName: vendor.org_name,
      vendor: { name: vendor.name, status: vendor.status, reason: vendor.status_reason },
      miniPrograms,
      // The alert speaks as of the status change (the mail goes out moments later), not the wall clock.
      today: vendor.since_on,
      ...(publicUrl ? { consoleLink: `${publicUrl}/console/mini-programs?vendorId=${vendorId}` } : {}),
    },
    locale,
  );
}
