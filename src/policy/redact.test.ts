import { describe, expect, it } from 'vitest';
import { createRedactor, looksLikeSecretName, redactAttributes, redactKeyFormats } from './redact.ts';

describe('redaction', () => {
  it('removes the values of secret-looking environment variables, not of others', () => {
    const redact = createRedactor({
      env: {
        OPENAI_API_KEY: 'abc123-not-a-known-format-456',
        GITHUB_TOKEN: 'tok_0123456789abcdef',
        DB_PASSWORD: 'hunter2hunter2',
        CLIENT_SECRET: 's3cr3t-value-here',
        HOME: '/home/someone',
        SHORT_KEY: 'abc',
      },
    });
    const text =
      'key abc123-not-a-known-format-456, token tok_0123456789abcdef, pw hunter2hunter2, s s3cr3t-value-here, home /home/someone abc';
    const redacted = redact(text);
    expect(redacted).not.toContain('abc123-not-a-known-format-456');
    expect(redacted).not.toContain('tok_0123456789abcdef');
    expect(redacted).not.toContain('hunter2hunter2');
    expect(redacted).not.toContain('s3cr3t-value-here');
    expect(redacted).toContain('/home/someone');
    expect(redacted).toContain(' abc');
    expect(redacted.match(/\[REDACTED\]/g)).toHaveLength(4);
  });

  it('removes a known secret also when it appears JSON-escaped', () => {
    const secret = 'pa"ss\\word-1234';
    const redact = createRedactor({ env: { APP_PASSWORD: secret } });
    const json = JSON.stringify({ output: `the password is ${secret}` });
    expect(redact(json)).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(JSON.parse(redact(json))).toEqual({ output: 'the password is [REDACTED]' });
  });

  it.each([
    ['OpenAI key', 'sk-proj-AbCdEf0123456789AbCdEf0123'],
    ['Anthropic key', 'sk-ant-api03-AbCdEf0123456789_xyz'],
    ['GitHub token', 'ghp_0123456789abcdefghijABCDEFGHIJ012345'],
    ['GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop'],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['Slack token', 'xoxb-1234567890-abcdefghijkl'],
    ['Google API key', 'AIzaSyA-0123456789abcdefghijklmnopqrstu'],
  ])('removes a %s found in text', (_label, secret) => {
    const redacted = redactKeyFormats(`here it is: ${secret} (do not share)`);
    expect(redacted).toBe('here it is: [REDACTED] (do not share)');
  });

  it('keeps the word Bearer and drops the token', () => {
    expect(redactKeyFormats('Authorization: Bearer eyJhbGciOi.J9eyJzdWIi.Oi0xMjM0')).toBe(
      'Authorization: Bearer [REDACTED]',
    );
  });

  it('removes a whole PEM private key, also on one JSON-escaped line', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabcdef\n-----END RSA PRIVATE KEY-----';
    expect(redactKeyFormats(`key:\n${pem}\nend`)).toBe('key:\n[REDACTED]\nend');
    expect(redactKeyFormats(JSON.stringify({ pem }))).toBe('{"pem":"[REDACTED]"}');
  });

  it('leaves ordinary text alone', () => {
    const text = 'The skeleton key task-1234 and risk-assessment notes; sk-short; Bearer of news';
    expect(createRedactor({ env: {} })(text)).toBe(text);
  });

  it('recognises secret names', () => {
    expect(looksLikeSecretName('ANTHROPIC_API_KEY')).toBe(true);
    expect(looksLikeSecretName('SLACK_BOT_TOKEN')).toBe(true);
    expect(looksLikeSecretName('PGPASSWORD')).toBe(true);
    expect(looksLikeSecretName('KEYBOARD_LAYOUT')).toBe(false);
    expect(looksLikeSecretName('PATH')).toBe(false);
  });

  it('redacts string attributes and keeps numbers and booleans', () => {
    const redact = createRedactor({ secrets: ['my-very-secret-value'] });
    expect(redactAttributes({ a: 'x my-very-secret-value y', b: 3, c: true }, redact)).toEqual({
      a: 'x [REDACTED] y',
      b: 3,
      c: true,
    });
  });
});
