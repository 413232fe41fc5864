/**
 * The CIS AWS Foundations Benchmark texts of the "unauthorized API calls" metric filter pattern, as printed in
 * each version's remediation, and the definition the judge holds every pattern to.
 */

export const CIS_PATTERNS = {
  /** CIS v1.2.0 3.1; also the exact string Security Hub CloudWatch.2 requires. */
  'cis-1.2': '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
  /** CIS v1.3.0 to v1.5.0 4.1: every term joined by `||`, so it matches nearly every CloudTrail record. */
  'cis-1.3': '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }',
  /** CIS v2.0.0 to v7.0.0 (4.1, later 5.1). `&&` binds tighter, so it reads A || (B && C && D). */
  'cis-2.0': '{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',
} as const;

export type CisVersion = keyof typeof CIS_PATTERNS;

/** Versions a team may demand literally (strict mode): the ones CIS still prints correctly. */
export const STRICT_VERSIONS = ['cis-1.2', 'cis-2.0'] as const;
export type StrictVersion = (typeof STRICT_VERSIONS)[number];

export function isStrictVersion(value: string): value is StrictVersion {
  return (STRICT_VERSIONS as readonly string[]).includes(value);
}

/** Human names for the versions, for verdicts. */
export const CIS_VERSION_NAMES: Record<CisVersion, string> = {
  'cis-1.2': 'CIS v1.2',
  'cis-1.3': 'CIS v1.3-v1.5',
  'cis-2.0': 'CIS v2.0+',
};

/**
 * The floor every accepted pattern must match: the CIS definition of an unauthorized API call, with the
 * exclusions applied to both error codes (the grouping CIS intends).
 */
export const UNAUTHORIZED_CALL_DEFINITION =
  '{ ($.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*") && $.sourceIPAddress != "delivery.logs.amazonaws.com" && $.eventName != "HeadBucket" }';

/** Removes whitespace outside double-quoted strings: strict mode compares text "whitespace aside". */
export function withoutWhitespace(text: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '\\') {
      out += ch + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (!quoted && /\s/.test(ch)) continue;
    out += ch;
  }
  return out;
}
