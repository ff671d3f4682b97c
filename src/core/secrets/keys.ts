// Which names (env vars, header names, JSON members, CLI flags) announce a credential, and
// which values are obviously not one. The generic rule leans on these: a credential-named key
// with a real-looking value is a secret whatever its entropy.

/** Split `mysqlPassword`, `X-API-Key`, `--api-key`, `AWS_SECRET_ACCESS_KEY` into upper-case words. */
export function keyWords(key: string): string[] {
  return key
    .replace(/^-+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toUpperCase());
}

const SECRET_WORDS = new Set([
  'TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PWD', 'PASS', 'PAT', 'CREDENTIAL', 'CREDENTIALS',
  'CREDS', 'APIKEY', 'AUTHORIZATION', 'COOKIE', 'COOKIES', 'PASSPHRASE', 'AUTHTOKEN',
  'ACCESSTOKEN', 'APITOKEN', 'SECRETKEY', 'PRIVATEKEY', 'CLIENTSECRET', 'ACCESSKEY', 'AUTHKEY',
  'BEARER',
]);

// A trailing word that turns a credential name into a setting about the credential.
const NON_SECRET_LAST = new Set([
  'URL', 'URI', 'URLS', 'ENDPOINT', 'HOST', 'HOSTNAME', 'PORT', 'PATH', 'FILE', 'FILES', 'DIR',
  'DIRECTORY', 'TYPE', 'VERSION', 'NAME', 'ID', 'IDS', 'ENV', 'VAR', 'FORMAT', 'MODE', 'TIMEOUT',
  'TTL', 'EXPIRY', 'EXPIRES', 'EXPIRATION', 'LENGTH', 'SIZE', 'LIMIT', 'COUNT', 'ENABLED',
  'DISABLED', 'ENABLE', 'DISABLE', 'REQUIRED', 'PREFIX', 'FIELD', 'PARAM', 'LOCATION', 'PROVIDER',
  'METHOD', 'STRATEGY', 'SCOPE', 'SCOPES', 'AUDIENCE', 'ISSUER', 'REGION', 'USER', 'USERNAME',
  'EMAIL', 'ALGORITHM', 'ALG', 'STORE', 'SERVICE', 'ACCOUNT', 'HELPER', 'COMMAND', 'CMD', 'LOGIN',
  'HASH', 'POLICY', 'RULES', 'LEVEL', 'KIND', 'LABEL', 'DESCRIPTION', 'SOURCE',
  'MANAGER', 'BACKEND', 'ROTATION', 'REFRESH_URL', 'LIFETIME', 'DURATION', 'MAX', 'MIN',
]);

// Words anywhere in the name that mean the value is public or not a credential.
const NON_SECRET_ANY = new Set([
  'PUBLIC', 'PUBLISHABLE', 'PUB', 'MAX', 'MIN', 'NUM', 'TOKENIZER', 'KEYBOARD', 'SORT',
  'PARTITION', 'PRIMARY', 'FOREIGN', 'CACHE', 'HOTKEY', 'SHORTCUT', 'IDEMPOTENCY', 'KEYSTROKE',
]);

// Whole names that look credential-ish but are not (PWD is the shell's working directory).
const NON_SECRET_KEYS = new Set(['PWD', 'OLDPWD', 'TOKENS', 'MAX_TOKENS', 'KEY_ID', 'KEYS']);

/** True when a name (env var, header, JSON member, flag) announces a credential. */
export function isCredentialKey(key: string | undefined): boolean {
  if (!key) return false;
  const words = keyWords(key);
  if (words.length === 0) return false;
  if (NON_SECRET_KEYS.has(words.join('_'))) return false;
  if (words.some((w) => NON_SECRET_ANY.has(w))) return false;
  const last = words[words.length - 1]!;
  if (NON_SECRET_LAST.has(last)) return false;
  if (SECRET_WORDS.has(last) || last === 'KEY' || last.endsWith('TOKEN') || last.endsWith('SECRET')) {
    return true;
  }
  if (last.endsWith('PASSWORD') || last.endsWith('PASSWD') || last.endsWith('APIKEY')) return true;
  // AUTH_TOKEN is caught above; AUTH alone, X-Auth, GITHUB_AUTH carry a credential too.
  if (words.includes('AUTH') && (last === 'AUTH' || words[0] === 'AUTH')) return true;
  // A credential word followed by a qualifier that is not a setting: GITHUB_TOKEN_READONLY.
  return words.slice(0, -1).some((w) => SECRET_WORDS.has(w) && w !== 'PASS' && w !== 'PAT');
}

export type GenericKind = 'password' | 'token' | 'secret' | 'api-key' | 'cookie' | 'credential';

/** The kind a generic detection gets from its key name. */
export function kindFromKey(key: string | undefined): GenericKind {
  const words = key ? keyWords(key) : [];
  const has = (re: RegExp) => words.some((w) => re.test(w));
  if (has(/^(PASSWORD|PASSWD|PWD|PASS|PASSPHRASE)$|PASSWORD$|PASSWD$/)) return 'password';
  if (has(/^COOKIES?$/)) return 'cookie';
  if (has(/TOKEN$|^PAT$|^AUTHORIZATION$|^BEARER$|^AUTH$/)) return 'token';
  if (has(/SECRET$/)) return 'secret';
  if (has(/KEY$/)) return 'api-key';
  return 'credential';
}

/** Header names whose value is `Scheme credentials`. */
export function isAuthorizationKey(key: string | undefined): boolean {
  return !!key && /^(proxy-)?authorization$/i.test(key.trim());
}

/** Values that are settings, not credentials, even under a credential-named key. */
export function isObviouslyNotSecret(value: string): boolean {
  const v = value.trim();
  if (/^(true|false|yes|no|on|off|enabled?|disabled?)$/i.test(v)) return true;
  if (/^-?\d{1,7}(\.\d+)?$/.test(v)) return true; // short numbers: ports, limits, flags
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(v)) return true; // the name of another env var
  if (/^(?:~|\.{1,2})?\/[A-Za-z0-9._~@/ -]*$/.test(v) && /[/.]/.test(v.slice(1))) return true; // POSIX path
  if (/^(?:[A-Za-z]:\\|\\\\)[^\n]*$/.test(v)) return true; // Windows path
  if (/^[\w./\\-]+\.(pem|key|crt|cer|p12|pfx|json|txt|env|ya?ml|toml|ini|cfg|conf|jks|keystore)$/i.test(v)) {
    return true;
  }
  // A URL with no userinfo password: its credentials, if any, are found by the URL detectors.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^\s]*$/i.test(v) && !/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(v)) {
    return true;
  }
  return false;
}

/** Shannon entropy in bits per character (−Σ p·log2 p over the characters). */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = [...value].length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}
