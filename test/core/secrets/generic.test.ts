import { describe, expect, it } from 'vitest';
import { detectSecrets } from '../../../src/core/secrets/index.js';
import { fakeHex, fakeToken, fakeUuid, randomString } from '../../helpers/tokens.js';

describe('generic rule: credential-named keys', () => {
  it('reports BRAVE_API_KEY with a low-entropy value, with low confidence', () => {
    const found = detectSecrets('abcabcabc1', { where: 'env', key: 'BRAVE_API_KEY' });
    expect(found).toHaveLength(1);
    expect(found[0]!).toMatchObject({ provider: 'generic', kind: 'api-key', confidence: 'low', start: 0, end: 10 });
  });

  it('reports a long random value under a credential key with high confidence', () => {
    const v = fakeHex('obsidian', 64);
    expect(detectSecrets(v, { where: 'env', key: 'OBSIDIAN_API_KEY' })[0]!.confidence).toBe('high');
  });

  it('reports a weak password used as an API key', () => {
    const found = detectSecrets('Qwzmb!417', { where: 'env', key: 'OPENAI_API_KEY' });
    expect(found.map((d) => d.value)).toEqual(['Qwzmb!417']);
  });

  it('does not report a reference to the same variable', () => {
    expect(detectSecrets('${BRAVE_API_KEY}', { where: 'env', key: 'BRAVE_API_KEY' })).toEqual([]);
  });

  it.each([
    ['GITHUB_PERSONAL_ACCESS_TOKEN', 'token'],
    ['DB_PASSWORD', 'password'],
    ['mysqlPassword', 'password'],
    ['CLIENT_SECRET', 'secret'],
    ['GITLAB_PAT', 'token'],
    ['GOOGLE_CREDENTIALS', 'credential'],
    ['AUTH_TOKEN', 'token'],
    ['X-API-Key', 'api-key'],
    ['X-Subscription-Token', 'token'],
    ['Cookie', 'cookie'],
  ])('reports a value under %s as kind %s', (key, kind) => {
    const found = detectSecrets(randomString(key, 24), { where: 'env', key });
    expect(found).toHaveLength(1);
    expect(found[0]!.kind).toBe(kind);
  });

  it.each([
    'AWS_ACCESS_KEY_ID',
    'PUBLIC_KEY',
    'STRIPE_PUBLISHABLE_KEY',
    'NEXT_PUBLIC_SUPABASE_URL',
    'NEXT_PUBLIC_API_KEY',
    'KEYBOARD',
    'TOKEN_URL',
    'AUTH_URL',
    'SSH_KEY_PATH',
    'PASSWORD_FILE',
    'AUTH_TYPE',
    'API_VERSION',
    'TOKEN_ENDPOINT',
    'SECRET_NAME',
    'MAX_TOKENS',
    'PWD',
    'GITHUB_TOOLSETS',
  ])('does not report a random value under the non-secret key %s', (key) => {
    expect(detectSecrets(randomString(key, 24), { where: 'env', key })).toEqual([]);
  });

  it.each(['true', 'false', '8080', '1234567', '/home/me/.ssh/id_ed25519', './creds.json', 'C:\\keys\\a.pem', 'https://api.example.net/v1', 'GITHUB_TOKEN'])(
    'does not report the obviously non-secret value %s under a credential key',
    (v) => expect(detectSecrets(v, { where: 'env', key: 'API_KEY' })).toEqual([]),
  );

  it('reports a long number under a credential key', () => {
    expect(detectSecrets('8812734561', { where: 'env', key: 'PIN_PASSWORD' })).toHaveLength(1);
  });

  it('applies the key rule to .env lines and history assignments too', () => {
    expect(detectSecrets('k3y-v4lue-zz', { where: 'dotenv', key: 'BRAVE_API_KEY' })).toHaveLength(1);
    expect(detectSecrets('k3y-v4lue-zz', { where: 'history', key: 'BRAVE_API_KEY' })).toHaveLength(1);
  });

  it('does not apply the key rule to free text or URLs', () => {
    expect(detectSecrets('k3y-v4lue-zz', { where: 'text', key: 'BRAVE_API_KEY' })).toEqual([]);
    expect(detectSecrets('k3y-v4lue-zz', { where: 'url', key: 'BRAVE_API_KEY' })).toEqual([]);
  });

  it('reports a credential assignment in free text only when long and random', () => {
    const v = randomString('text', 40);
    const text = `api_key: ${v}`;
    expect(detectSecrets(text, { where: 'text' }).map((d) => d.value)).toEqual([v]);
    expect(detectSecrets('api_key: short-value', { where: 'text' })).toEqual([]);
    expect(detectSecrets(`commit: ${v}`, { where: 'text' })).toEqual([]);
  });
});

describe('headers', () => {
  it('takes the credential after Bearer, Basic and token schemes', () => {
    const v = fakeHex('bearer', 40);
    const found = detectSecrets(`Bearer ${v}`, { where: 'header', key: 'Authorization' });
    expect(found[0]!).toMatchObject({ kind: 'bearer-token', value: v, start: 7 });
    const basic = Buffer.from('alice:s3cr3t-pw').toString('base64');
    expect(detectSecrets(`Basic ${basic}`, { where: 'header', key: 'Authorization' })[0]!).toMatchObject({
      kind: 'basic-auth',
      value: basic,
    });
    expect(detectSecrets(`token ${v}`, { where: 'header', key: 'Authorization' })[0]!.value).toBe(v);
  });

  it('names the provider when the bearer credential has a known prefix', () => {
    const sbp = fakeToken('supabase-pat');
    const found = detectSecrets(`Bearer ${sbp}`, { where: 'header', key: 'Authorization' });
    expect(found).toHaveLength(1);
    expect(found[0]!).toMatchObject({ provider: 'supabase', value: sbp });
  });

  it('reports a bare value under X-API-Key and an Authorization header in text', () => {
    expect(detectSecrets(fakeUuid('h'), { where: 'header', key: 'X-API-Key' })).toHaveLength(1);
    const v = fakeHex('curl', 32);
    const found = detectSecrets(`curl -H "Authorization: Bearer ${v}" https://api.example.net`, { where: 'text' });
    expect(found.map((d) => d.value)).toEqual([v]);
  });

  it('reads headers held as JSON in an env value (OPENAPI_MCP_HEADERS)', () => {
    const v = fakeHex('notion-json', 32);
    const json = JSON.stringify({ Authorization: `Bearer ${v}`, 'Notion-Version': '2025-09-03' });
    const found = detectSecrets(json, { where: 'env', key: 'OPENAPI_MCP_HEADERS' });
    expect(found).toHaveLength(1);
    expect(found[0]!.kind).toBe('bearer-token');
    expect(json.slice(found[0]!.start, found[0]!.end)).toBe(v);
  });

  it('does not report non-credential headers', () => {
    expect(detectSecrets('2025-09-03', { where: 'header', key: 'Notion-Version' })).toEqual([]);
    expect(detectSecrets('application/json', { where: 'header', key: 'Content-Type' })).toEqual([]);
  });
});

describe('arguments', () => {
  it('reports the value after a credential-named flag', () => {
    const hex = fakeHex('modao', 32);
    expect(detectSecrets(hex, { where: 'arg', previousArg: '--token' })[0]!).toMatchObject({ kind: 'token', value: hex });
    const uuid = fakeUuid('smithery');
    expect(detectSecrets(uuid, { where: 'arg', previousArg: '--key' })[0]!.value).toBe(uuid);
    for (const flag of ['--api-key', '--access-token', '--password', '--secret', '--auth-token']) {
      expect(detectSecrets('Zr8!mq2Lw', { where: 'arg', previousArg: flag }), flag).toHaveLength(1);
    }
  });

  it('does not report values after other flags, or a bare value', () => {
    const hex = fakeHex('other', 32);
    expect(detectSecrets(hex, { where: 'arg', previousArg: '--url' })).toEqual([]);
    expect(detectSecrets(hex, { where: 'arg', previousArg: '-p' })).toEqual([]);
    expect(detectSecrets(hex, { where: 'arg' })).toEqual([]);
    expect(detectSecrets('-pHunter2word', { where: 'arg' })).toEqual([]);
  });

  it('reports --flag=value with offsets of the value', () => {
    const v = fakeHex('eq', 24);
    const arg = `--api-key=${v}`;
    const found = detectSecrets(arg, { where: 'arg' });
    expect(found).toHaveLength(1);
    expect(arg.slice(found[0]!.start, found[0]!.end)).toBe(v);
    expect(detectSecrets('--api-version=2024-01-01', { where: 'arg' })).toEqual([]);
  });

  it('applies the key rule to KEY=value arguments', () => {
    const v = randomString('kv', 20);
    const found = detectSecrets(`BRAVE_API_KEY=${v}`, { where: 'arg', previousArg: '-e' });
    expect(found.map((d) => [d.value, d.start])).toEqual([[v, 14]]);
    expect(detectSecrets('LOG_LEVEL=debug', { where: 'arg', previousArg: '-e' })).toEqual([]);
  });

  it('finds the password member of JSON inside an argument', () => {
    const arg = JSON.stringify({ mysqlHost: '10.0.0.7', mysqlUser: 'root', mysqlDatabase: 'study', mysqlPassword: 'Gk7$pq2@' });
    const found = detectSecrets(arg, { where: 'arg', previousArg: '--config' });
    expect(found).toHaveLength(1);
    expect(found[0]!).toMatchObject({ kind: 'password', value: 'Gk7$pq2@' });
    expect(arg.slice(found[0]!.start, found[0]!.end)).toBe('Gk7$pq2@');
  });

  it('finds secrets in nested JSON (add-json) and in escaped members', () => {
    const token = fakeToken('github-classic', 'json');
    const json = JSON.stringify({ command: 'npx', env: { GITHUB_PERSONAL_ACCESS_TOKEN: token, PLAIN: 'x' }, args: ['--api-key', 'Zr8!mq2Lw'] });
    const found = detectSecrets(json, { where: 'history' });
    expect(found.map((d) => d.value)).toEqual([token, 'Zr8!mq2Lw']);
    const escaped = JSON.stringify({ password: 'a"b\\c-9Qx' });
    const e = detectSecrets(escaped, { where: 'arg' });
    expect(e.map((d) => d.value)).toEqual(['a"b\\c-9Qx']);
  });

  it('reports a connection string password only', () => {
    const arg = 'postgresql://app_user:Vq93-lmPz@db.internal:5432/app';
    const found = detectSecrets(arg, { where: 'arg' });
    expect(found).toHaveLength(1);
    expect(found[0]!).toMatchObject({ provider: 'postgres', kind: 'database-password', value: 'Vq93-lmPz' });
    expect(arg.slice(found[0]!.start, found[0]!.end)).toBe('Vq93-lmPz');
  });
});

describe('URLs', () => {
  it.each([
    ['postgres', 'postgres://u:Vq93-lmPz@h:5432/d'],
    ['mysql', 'mysql://u:Vq93-lmPz@h:3306/d'],
    ['mongodb', 'mongodb+srv://u:Vq93-lmPz@cluster0.abc.mongodb.net/db'],
    ['redis', 'rediss://:Vq93-lmPz@cache:6380'],
    ['amqp', 'amqp://u:Vq93-lmPz@mq:5672'],
    ['postgres', 'jdbc:postgresql://u:Vq93-lmPz@h/d'],
    ['url', 'https://bob:Vq93-lmPz@git.example.net/repo.git'],
  ])('finds the %s password', (provider, url) => {
    const found = detectSecrets(url, { where: 'url' });
    expect(found).toHaveLength(1);
    expect(found[0]!).toMatchObject({ provider, value: 'Vq93-lmPz' });
  });

  it('finds a password parameter in a JDBC URL', () => {
    const found = detectSecrets('jdbc:sqlserver://db:1433;user=app;password=Vq93-lmPz;encrypt=true', { where: 'arg' });
    expect(found.map((d) => [d.kind, d.value])).toEqual([['password', 'Vq93-lmPz']]);
  });

  it('takes the last @ before the host when the password holds one', () => {
    expect(detectSecrets('mysql://root:p@ss-9Zq@db:3306/x', { where: 'url' })[0]!.value).toBe('p@ss-9Zq');
  });

  it('skips default and placeholder passwords', () => {
    expect(detectSecrets('postgresql://postgres:postgres@localhost:5432/app', { where: 'arg' })).toEqual([]);
    expect(detectSecrets('postgresql://user:password@localhost/app', { where: 'arg' })).toEqual([]);
    expect(detectSecrets('mongodb://u:<password>@h/db', { where: 'arg' })).toEqual([]);
    expect(detectSecrets('https://user@example.net', { where: 'url' })).toEqual([]);
  });

  it('reports credential query parameters, not others', () => {
    const v = fakeHex('q', 32);
    const url = `https://mcp.example.net/sse?project_ref=abcdefgh&api_key=${v}&mode=ro`;
    const found = detectSecrets(url, { where: 'url' });
    expect(found.map((d) => d.value)).toEqual([v]);
    expect(detectSecrets('https://mcp.example.net/sse?project_ref=abcdefgh&read_only=true', { where: 'url' })).toEqual([]);
    expect(detectSecrets(`https://x.example.net/?apiKey=${v}`, { where: 'url' })).toHaveLength(1);
    expect(detectSecrets('https://x.example.net/?token=your-token-here', { where: 'url' })).toEqual([]);
  });
});
