import type { ConsoleLocale, Translate } from './messages.js';

/**
 * The validators (libs/domain, class-validator) state their rules in English, for the API. Pages show
 * them in the person's language: each known rule has its Chinese here. A rule not (yet) known here is
 * shown in Chinese as "填写有误：" followed by the English rule, rather than guessed.
 */
const ZH_RULES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^must be exactly 18 characters$/, () => '必须正好 18 个字符'],
  [
    /^must contain only digits and uppercase letters other than I, O, Z, S and V$/,
    () => '只能包含数字和大写字母（不含 I、O、Z、S、V）',
  ],
  [
    /^must have a 6-digit administrative division code in positions 3-8$/,
    () => '第 3 至 8 位必须是 6 位行政区划代码',
  ],
  [
    /^has a wrong check character \(the 18th\); check the code for a typo$/,
    () => '校验码（第 18 位）不正确，请检查是否有输错的字符',
  ],
  [
    /^must be 'wx' followed by 16 lowercase hexadecimal characters$/,
    () => '必须是 wx 加 16 位小写十六进制字符',
  ],
  [/^must not be empty$/, () => '不能为空'],
  [/^must be at most (\d+) characters$/, (m) => `最多 ${m[1]} 个字符`],
  [/^must be a real calendar date written YYYY-MM-DD$/, () => '必须是真实存在的日期，格式为 YYYY-MM-DD'],
  [
    /^must be a date from (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})$/,
    (m) => `必须是 ${m[1]} 至 ${m[2]} 之间的日期`,
  ],
  [
    /^must start with a province abbreviation such as 京, 沪 or 粤$/,
    () => '必须以省份简称开头，例如 京、沪、粤',
  ],
  [/^must look like 粤ICP备2023123456号-1X/, () => '格式应类似 粤ICP备2023123456号-1X'],
  [/^must have at most 3 levels separated by ' > '$/, () => '最多 3 级，用「 > 」分隔'],
  [
    /^must be levels joined by ' > '/,
    () => '各级用「 > 」连接，每级 1 至 20 个汉字、字母、数字或 、/ - 括号',
  ],
  [
    /^must be a bare hostname without scheme, path or credentials$/,
    () => '只填域名，不要带 https://、路径或账号',
  ],
  [/^must be a domain name, not an IP address$/, () => '必须是域名，不能是 IP 地址'],
  [/^must be a bare hostname without a port$/, () => '只填域名，不要带端口'],
  [/^must be a public domain name, not localhost$/, () => '必须是公网域名，不能是 localhost'],
  [/^must have at least two labels, e\.g\. api\.example\.cn$/, () => '至少两级，例如 api.example.cn'],
  [/^must be lowercase$/, () => '必须小写'],
  [/^must be unique within the organization$/, () => '本机构已登记过这个 AppID'],
  [/^must not contain control characters/, () => '不能包含控制字符或换行'],
  [/^must not be before issuedOn$/, () => '不能早于发证日期'],
  [/^must be the id of a vendor of this organization$/, () => '请选择本机构的服务商'],
  [/^must be a code from GET \/api\/v1\/catalogue$/, () => '请从列表中选择资质类型'],
  [/^must be one of: (.*)$/, () => '请从列表中选择'],
  [/^must be after today \((.*)\)$/, (m) => `必须晚于今天（${m[1]}）`],
  [/^must not be after the due date \((.*)\)$/, (m) => `不能晚于截止日期（${m[1]}）`],
  [/^cannot snooze an overdue deadline/, () => '已逾期的事项不能暂缓，请办结或确认'],
  [
    /^The new expiry (\S+) must be after the completed cycle's due date (\S+)$/,
    (m) => `新的到期日 ${m[1]} 必须晚于本周期的截止日期 ${m[2]}`,
  ],
  [
    /^The validity of '.*' is not fixed: give the new expiry date$/,
    () => '此事项的有效期不固定，请填写新的到期日',
  ],
  [/^is not a known field$/, () => '不是可识别的字段'],
  [/^must be at least (\d+) characters$/, (m) => `至少 ${m[1]} 个字符`],
  [/^is not the password of this account$/, () => '密码不正确'],
  [/^must be 1 to (\d+) characters$/, (m) => `请填写，最多 ${m[1]} 个字符`],
  [
    /^must be a single address of the form name@example\.com$/,
    () => '请填写一个有效的邮箱地址，例如 name@example.com',
  ],
  // The secret detector's rules (libs/domain/src/validation/secret.ts), for the custody register and every text field.
  [
    /^must not contain secrets: looks like (.*)$/,
    (m) => `不能填写密钥或密码：内容看起来像${SECRET_KINDS_ZH[m[1]] ?? m[1]}`,
  ],
  // History filters (console-history)
  [/^must be a UUID$/, () => '必须是记录编号（UUID），可从记录页面的地址中复制'],
  [/^must be a whole number$/, () => '必须是整数'],
  // Settings (console-settings): organization, ladder, people, catalogue overrides
  [/^must be an IANA time zone such as Asia\/Shanghai$/, () => '必须是 IANA 时区名，例如 Asia/Shanghai'],
  [/^must be 'zh-CN' or 'en'$/, () => '请选择中文或 English'],
  [
    /^is the last administrator of the organization/,
    () => '是本机构唯一的管理员，请先把另一位成员设为管理员',
  ],
  [
    /^must be 1-20 lowercase letters, digits or hyphens/,
    () => '必须是 1 至 20 个小写字母、数字或 -，例如 d-30',
  ],
  [/^'early' is reserved/, () => '「early」保留给服务商失联时的提前提醒'],
  [/^'closed' is reserved/, () => '「closed」保留给办理窗口关闭时的提醒'],
  [/^must be unique; '(.*)' is used by an earlier stage$/, (m) => `不能重复：前面的阶段已使用「${m[1]}」`],
  [/^clashes with the repeats of the last stage/, () => '与最后一个阶段的重复提醒代号冲突'],
  [/^must be a whole number of days relative to the due date$/, () => '必须是整数天数'],
  [/^must be between (-?\d+) and (-?\d+)$/, (m) => `必须在 ${m[1]} 到 ${m[2]} 之间`],
  [/^must be greater than the previous stage's \((-?\d+)\)$/, (m) => `必须大于上一阶段的天数（${m[1]}）`],
  [/^must be a non-empty list of/, () => '请至少选择一个角色'],
  [/^must be one of operator/, () => '请从列表中选择'],
  [/^'.*' is listed twice$/, () => '重复选择了同一个角色'],
  [/^is only allowed on the last stage$/, () => '只有最后一个阶段可以重复'],
  [
    /^must be a whole number of days between (\d+) and (\d+)$/,
    (m) => `必须是 ${m[1]} 到 ${m[2]} 之间的整数天数`,
  ],
  [/^must have (\d+) to (\d+) stages$/, (m) => `必须有 ${m[1]} 到 ${m[2]} 个阶段`],
  [/^is confirmed and cannot be overridden$/, () => '已证实，不能覆盖'],
  [/^must be a whole number between (\d+) and (\d+)$/, (m) => `必须是 ${m[1]} 到 ${m[2]} 之间的整数`],
  [/^must be on or after dueFrom \((.*)\)$/, (m) => `不能早于开始日期（${m[1]}）`],
  // Chat channels (issue 17, libs/domain/src/channels/targets.ts and ChannelService)
  [/^must be the WeCom robot webhook (\S+)$/, (m) => `必须是企业微信群机器人的地址 ${m[1]}`],
  [/^must be the DingTalk robot webhook (\S+)$/, (m) => `必须是钉钉机器人的地址 ${m[1]}`],
  [/^must be the Feishu bot webhook (\S+)$/, (m) => `必须是飞书机器人的地址 ${m[1]}`],
  [
    /^must be an https:\/\/ URL without user name or password$/,
    () => '必须是 https:// 地址，不能带用户名或密码',
  ],
  [/^is required: the robot's 加签 secret/, () => '请填写机器人的加签密钥（以 SEC 开头）'],
  [/^must be the robot's 加签 secret/, () => '必须是机器人的加签密钥：SEC 加十六进制字符'],
  [/^is required: the bot's 签名校验 secret$/, () => '请填写机器人的签名校验密钥'],
  [/^must be the bot's 签名校验 secret/, () => '必须是机器人的签名校验密钥（字母和数字）'],
  [/^is required: a Standard Webhooks secret/, () => '请填写 Standard Webhooks 密钥 whsec_…'],
  [/^must be whsec_ followed by the base64/, () => '必须是 whsec_ 加 24 至 64 个随机字节的 base64'],
  [
    /^must be 1 to 100 characters, without control characters$/,
    () => '请填写，最多 100 个字符，不能包含控制字符',
  ],
  [/^must be the id of one of your vendors$/, () => '请选择本机构的服务商'],
  [/^must be a whole hour from 0 to 23$/, () => '必须是 0 至 23 的整点'],
];

const SECRET_KINDS_ZH: Record<string, string> = {
  'a PEM private key or certificate': ' PEM 私钥或证书',
  'an mp-guard API key (mpg_…)': ' mp-guard API 密钥（mpg_…）',
  'credentials inside a URL': '带账号密码的网址',
  'a password or secret assignment (密码/口令/password/pwd/secret/token followed by a value)':
    '密码或密钥赋值（密码/口令/password/secret 等后跟取值）',
  'a 32-character key such as an AppSecret or APIv3 key': ' 32 位密钥，例如 AppSecret 或 APIv3 密钥',
  'a key written in groups of hexadecimal characters': '分组书写的十六进制密钥',
  'a key written in groups of base64 characters': '分组书写的 base64 密钥',
  'a JSON web token': ' JSON Web Token',
  'a long encoded token': '很长的编码令牌',
};

export function translateRule(rule: string, locale: ConsoleLocale, t: Translate): string {
  if (locale === 'en') return rule.charAt(0).toUpperCase() + rule.slice(1);
  for (const [pattern, zh] of ZH_RULES) {
    const m = pattern.exec(rule);
    if (m) return zh(m);
  }
  return `${t('error.rule')}${rule}`;
}
