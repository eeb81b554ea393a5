import type { SecretBox } from '../../common/src/secret-box.js';
import type { ChannelTarget } from '../../domain/src/channels/index.js';

/** What a channel's sealed target is bound to: a sealed value copied onto another row does not open. */
export const channelContext = (organizationId: string, channelId: string) =>
  `channels:${organizationId}:${channelId}`;

export function sealTarget(box: SecretBox, organizationId: string, channelId: string, target: ChannelTarget) {
  return box.seal(JSON.stringify(target), channelContext(organizationId, channelId));
}

export function openTarget(
  box: SecretBox,
  row: { organization_id: string; id: string; key_id: string; sealed: Buffer },
): ChannelTarget {
  return JSON.parse(
    box.open({ keyId: row.key_id, box: row.sealed }, channelContext(row.organization_id, row.id)),
  ) as ChannelTarget;
}
