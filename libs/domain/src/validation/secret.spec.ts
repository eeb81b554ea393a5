import { describe, expect, it } from '@jest/globals';
import { secretLikeContent, validateFreeText, withholdSecret } from './index.js';

const LABELLED = 'a password or secret assignment (密码/口令/password/pwd/secret/token followed by a value)';
const HEX32 = 'a 32-character key such as an AppSecret or APIv3 key';
const HEX_GROUPS = 'a key written in groups of hexadecimal characters';
const B64_GROUPS = 'a key written in groups of base64 characters';

describe('one secret detector', () => {
  it.each<[string, string, string]>([
    ['a Chinese label, full-width colon', '登录密码：Kangning@2026', LABELLED],
    ['a Chinese label, ASCII colon', '服务器 root 密码: Qw!7zz', LABELLED],
    ['a Chinese label with 为', '初始密码为abc12345', LABELLED],
    ['a Chinese label with 是', '口令是 K9-rT-22', LABELLED],
    ['a Chinese label and a space', '数据库密码 Pg2026!x', LABELLED],
    ['密钥 with a value', 'APIv3 密钥：Kn2026apiv3', LABELLED],
    ['password=', 'password=hunter2', LABELLED],
    ['Password with a full-width equals', 'Password＝Spring2026', LABELLED],
    ['pwd:', 'ftp pwd: 8812', LABELLED],
    ['an all-letter password of 8', 'password: letmeinnow', LABELLED],
    ['AppSecret: with a short value', 'AppSecret: 3f1c0a9b', LABELLED],
    ['token=', 'token=abc123', LABELLED],
    ['access_token=', 'callback?access_token=77_aBcD', LABELLED],
    ['an AppSecret in groups of 4', 'AppSecret 3f1c 0a9b 2d4e 5f60 7182 93a4 b5c6 d7e8', HEX_GROUPS],
    ['an AppSecret in groups of 8 with dashes', '3f1c0a9b-2d4e5f60-718293a4-b5c6d7e8', HEX_GROUPS],
    ['an APIv3 key in upper-case groups', 'KEY 3F1C 0A9B 2D4E 5F60 7182 93A4', HEX_GROUPS],
    ['base64 in groups of 4', '私钥片段 MIIE vQIB ADAN Bgkq hkiG 9w0B', B64_GROUPS],
    ['base64 in groups of 8', 'aGVsbG8x d29ybGQy c2VjcmV0 MTIzNDU2', B64_GROUPS],
    [
      'an mp-guard API key',
      'use mpg_0a1b2c3d4e5f_Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz',
      'an mp-guard API key (mpg_…)',
    ],
    ['an mp-guard key cut short', 'mpg_0a1b2c3d4e5f_Zx9', 'an mp-guard API key (mpg_…)'],
    ['a bare 32-character AppSecret', '3f1c0a9b2d4e5f60718293a4b5c6d7e8', HEX32],
    ['a PEM block', '-----BEGIN RSA PRIVATE KEY-----', 'a PEM private key or certificate'],
    [
      'credentials inside a URL',
      'git clone https://deploy:s3cr3t@git.example.cn/app.git',
      'credentials inside a URL',
    ],
    ['a JWT', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'a JSON web token'],
    [
      'a long base64 key',
      'APIv3 key: see below\nZm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbA==',
      'a long encoded token',
    ],
    ['a 40-hex key', 'key 3f1c0a9b2d4e5f60718293a4b5c6d7e8f9a0b1c2', 'a long encoded token'],
  ])('refuses %s', (_, text, rule) => {
    expect(secretLikeContent(text)).toBe(`must not contain secrets: looks like ${rule}`);
  });

  it.each<[string, string]>([
    ['ordinary Chinese text', '康宁互联网医院年审材料已交给法务部王丽'],
    ['talk about a password without one', '密码已交接给业主，原件在保险柜'],
    ['密码是否 (a question)', '服务商的密码是否已更换？'],
    ['a masked password', '登录密码：******'],
    ['a password reset in prose', 'password reset required after the handover'],
    ['a short placeholder', 'password: none'],
    ['capitalized words of one width', 'Test Demo Plan Done Good Work Item'],
    ['an ICP filing number', '京ICP备12345678号'],
    ['a mini-program ICP number', '粤ICP备2023123456号-1X'],
    ['a credit code', '91440300708461136T'],
    ['an AppID (public)', 'wx3f9a1c2e7b4d8a06 的管理员是服务商'],
    ['a domain', 'api.kangning-health.cn'],
    ['a repository URL', 'https://git.example.cn/kangning-health/miniapp-backend-services'],
    ['a UUID', 'see 0b7e1c9a-3f2d-4c5b-8a6e-1d2c3b4a5f60'],
    ['a phone number', '+86 138 0000 0000'],
    ['a period', '2026-12-01 至 2027-11-30'],
    ['a licence number', '(粤)-经营性-2024-0123'],
    ['a review receipt', '年审已通过，审核单号 2026112501'],
    ['an e-mail address', 'liu.yang@kangning-health.cn'],
    ['English prose with a year', 'Renew with 2026 Tencent Cloud Account team'],
    ['hex-letter words', 'cafe bead face dead beef'],
    ['a certificate-style serial in few groups', 'SN 0a9b 2d4e'],
    ['AppSecret as a word', '请重置 AppSecret 后更新服务器配置'],
  ])('accepts %s', (_, text) => {
    expect(secretLikeContent(text)).toBeNull();
  });

  it('refuses free text that is a secret, and malformed text first', () => {
    expect(validateFreeText('登录密码：Kangning@2026', { maxLength: 200 })).toMatch(
      /^must not contain secrets/,
    );
    expect(validateFreeText('  ', { maxLength: 200 })).toBe('must not be empty');
    expect(validateFreeText('康宁互联网医院', { maxLength: 200 })).toBeNull();
  });

  it('withholds a secret in an export and leaves other text alone', () => {
    expect(withholdSecret('pwd=hunter2', '[withheld]')).toBe('[withheld]');
    expect(withholdSecret('康宁', '[withheld]')).toBe('康宁');
    expect(withholdSecret(null, '[withheld]')).toBeNull();
  });
});
