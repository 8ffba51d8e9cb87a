/**
 * Secret redaction for traces: spans carry model inputs, outputs and tool results, which may
 * contain keys pasted by a person or read from a file. Everything a span stores or exports goes
 * through a redactor first. It removes (1) the values of environment variables whose names look
 * secret (`*_KEY`, `*_TOKEN`, `*_SECRET`, `*PASSWORD*`, …) and (2) common key formats, whatever
 * their source.
 */

export const redactedMarker = '[REDACTED]';

/** Environment variable names whose values are treated as secrets. */
const secretEnvName = /(?:^|_)(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|CREDENTIALS?|PAT)$|PASSWORD/i;

/** Values shorter than this are not redacted by value: `1` or `true` would shred every text. */
const minimumSecretLength = 8;

/** Key formats recognised anywhere in a text. */
const keyPatterns: ReadonlyArray<{ readonly pattern: RegExp; readonly replacement: string }> = [
  // PEM private keys (also when JSON-escaped onto one line).
  {
    pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g,
    replacement: redactedMarker,
  },
  // OpenAI / Anthropic style keys: sk-..., sk-proj-..., sk-ant-...
  { pattern: /\bsk-[A-Za-z0-9_-]{16,}/g, replacement: redactedMarker },
  // GitHub tokens.
  { pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/g, replacement: redactedMarker },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}/g, replacement: redactedMarker },
  // AWS access key ids.
  { pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replacement: redactedMarker },
  // Slack tokens: xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxo-.
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replacement: redactedMarker },
  // Google API keys.
  { pattern: /\bAIza[0-9A-Za-z_-]{35}/g, replacement: redactedMarker },
  // Bearer tokens in headers or text: keep the word, drop the token.
  { pattern: /\b(Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, replacement: `$1 ${redactedMarker}` },
];

export type Redact = (text: string) => string;

/** Whether an environment variable's name marks its value as a secret. */
export function looksLikeSecretName(name: string): boolean {
  return secretEnvName.test(name);
}

/** Removes common key formats only (no known values). */
export function redactKeyFormats(text: string): string {
  let result = text;
  for (const { pattern, replacement } of keyPatterns) result = result.replace(pattern, replacement);
  return result;
}

/**
 * A redactor that removes the given secret values and the secret-looking values of `env`, as
 * they are and as they appear inside JSON strings, then common key formats.
 */
export function createRedactor(options: {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly secrets?: readonly string[];
}): Redact {
  const values = new Set<string>();
  const add = (value: string | undefined): void => {
    if (value === undefined || value.length < minimumSecretLength) return;
    values.add(value);
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) values.add(escaped);
  };
  for (const [name, value] of Object.entries(options.env ?? {})) if (looksLikeSecretName(name)) add(value);
  for (const secret of options.secrets ?? []) add(secret);
  // Longest first, so a secret that contains another is removed whole.
  const sorted = [...values].sort((a, b) => b.length - a.length);
  const known =
    sorted.length === 0
      ? undefined
      : new RegExp(sorted.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => redactKeyFormats(known ? text.replace(known, redactedMarker) : text);
}

/** Redacts every string value of a set of span attributes. */
export function redactAttributes<Attributes extends Readonly<Record<string, string | number | boolean>>>(
  attributes: Attributes,
  redact: Redact,
): Attributes {
  const result: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(attributes)) {
    result[key] = typeof value === 'string' ? redact(value) : value;
  }
  return result as Attributes;
}
