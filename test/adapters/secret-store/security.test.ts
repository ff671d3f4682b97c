// The macOS `security` backend, against a stand-in for /usr/bin/security that follows Apple's
// sources: how `security -i` splits a command line (security.c split_line), how it prints a
// password with -g and attributes in dump-keychain (keychain_utilities.c print_buffer), and its
// exit statuses (low byte of the OSStatus).
import { describe, expect, it } from 'vitest';
import { KeychainUnavailableError, UsageError, exitCodeFor } from '../../../src/core/errors.js';
import {
  MAX_COMMAND_LINE_BYTES,
  SecurityStore,
  addCommandLine,
  decodePrinted,
  parseDump,
  parsePasswordOutput,
  quoteArg,
} from '../../../src/adapters/secret-store/security.js';
import type { ProcessRunner, RunOptions, RunResult } from '../../../src/ports/process.js';

/** security.c split_line: whitespace separates; '…' or "…" quote; a backslash takes the next char. */
function splitLine(line: string): string[] {
  const args: string[] = [];
  let cur: string | null = null;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (cur === null) {
      if (/\s/.test(ch)) continue;
      cur = '';
      if (ch === '"' || ch === "'") {
        quote = ch;
        continue;
      }
    }
    if (ch === '\\') {
      cur += line[++i] ?? '';
    } else if (quote !== null && ch === quote) {
      args.push(cur);
      cur = null;
      quote = null;
    } else if (quote === null && /\s/.test(ch)) {
      args.push(cur);
      cur = null;
    } else {
      cur += ch;
    }
  }
  if (cur !== null) args.push(cur);
  return args;
}

/** keychain_utilities.c print_buffer. */
function printBuffer(bytes: Buffer): string {
  const printable = (b: number): boolean => b >= 0x20 && b <= 0x7e && b !== 0x5c;
  const hex = [...bytes].some((b) => !printable(b));
  const ascii = [...bytes].some(printable);
  let out = '';
  if (hex) out += `0x${bytes.toString('hex').toUpperCase()}${ascii ? '  ' : ' '}`;
  if (ascii) {
    out += `"${[...bytes].map((b) => (printable(b) ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`)).join('')}"`;
  }
  return out;
}

const NOT_FOUND = 'security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.\n';

interface Run {
  cmd: string;
  args: string[];
  options: RunOptions;
}

/** A stand-in for /usr/bin/security with an in-memory keychain; records every run. */
class FakeSecurity implements ProcessRunner {
  readonly items = new Map<string, { service: string; account: string; data: Buffer; trusted: string[] }>();
  readonly runs: Run[] = [];
  /** Commands actually executed (one per line for -i). */
  readonly commands: string[][] = [];
  /** When set, every run ends like this instead. */
  override?: Partial<RunResult>;

  async run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.runs.push({ cmd, args: [...args], options });
    if (this.override) return { code: 1, stdout: '', stderr: '', timedOut: false, ...this.override };
    if (args[0] === '-i') {
      let last: RunResult = { code: 0, stdout: '', stderr: '', timedOut: false };
      for (const raw of (options.stdin ?? '').split('\n')) {
        // security reads a line into a 4096-byte buffer: the rest of a longer line is a new command.
        for (let rest = raw; rest.length > 0; rest = rest.slice(MAX_COMMAND_LINE_BYTES)) {
          const argv = splitLine(rest.slice(0, MAX_COMMAND_LINE_BYTES));
          if (argv.length) last = this.exec(argv);
        }
      }
      return last;
    }
    return this.exec([...args]);
  }

  private exec(argv: string[]): RunResult {
    this.commands.push(argv);
    const [name, ...rest] = argv;
    const opts = new Map<string, string[]>();
    for (let i = 0; i < rest.length; i++) {
      const flag = rest[i]!;
      if (flag === '-U' || flag === '-g' || flag === '-w') {
        opts.set(flag, []);
        continue;
      }
      opts.set(flag, [...(opts.get(flag) ?? []), rest[++i] ?? '']);
    }
    const service = opts.get('-s')?.[0] ?? '';
    const account = opts.get('-a')?.[0] ?? '';
    const key = `${service}\0${account}`;
    const ok = (stdout = '', stderr = ''): RunResult => ({ code: 0, stdout, stderr, timedOut: false });
    const missing: RunResult = { code: 44, stdout: '', stderr: NOT_FOUND, timedOut: false };
    switch (name) {
      case 'add-generic-password': {
        if (this.items.has(key) && !opts.has('-U')) return { code: 45, stdout: '', stderr: 'security: duplicate\n', timedOut: false };
        const hex = opts.get('-X')?.[0];
        if (hex === undefined || !/^[0-9a-fA-F]*$/.test(hex)) return { code: 2, stdout: '', stderr: 'bad -X\n', timedOut: false };
        this.items.set(key, { service, account, data: Buffer.from(hex, 'hex'), trusted: opts.get('-T') ?? [] });
        return ok();
      }
      case 'find-generic-password': {
        const item = this.items.get(key);
        if (!item) return missing;
        const attrs = `keychain: "/Users/dev/Library/Keychains/login.keychain-db"\nclass: "genp"\nattributes:\n    "acct"<blob>=${printBuffer(Buffer.from(account))}\n    "svce"<blob>=${printBuffer(Buffer.from(service))}\n`;
        return ok(attrs, `password: ${printBuffer(item.data)}\n`);
      }
      case 'delete-generic-password':
        return this.items.delete(key) ? ok('keychain: "/Users/dev/Library/Keychains/login.keychain-db"\n') : missing;
      case 'dump-keychain': {
        let out = '';
        for (const item of this.items.values()) {
          out += `keychain: "/Users/dev/Library/Keychains/login.keychain-db"\nversion: 512\nclass: "genp"\nattributes:\n`;
          out += `    0x00000007 <blob>=${printBuffer(Buffer.from(item.service))}\n    0x00000008 <blob>=<NULL>\n`;
          out += `    "acct"<blob>=${printBuffer(Buffer.from(item.account))}\n    "cdat"<timedate>=0x32303234303130313030303030305A00  "20240101000000Z\\000"\n`;
          out += `    "svce"<blob>=${printBuffer(Buffer.from(item.service))}\n`;
        }
        out += `keychain: "/Library/Keychains/System.keychain"\nversion: 512\nclass: 0x00000010\nattributes:\n    "acct"<blob>="other"\n`;
        return ok(out);
      }
      default:
        return { code: 1, stdout: '', stderr: `security: unknown command "${name}"\n`, timedOut: false };
    }
  }
}

// [what is awkward about it, the value]; labels only in test names, never values.
const awkwardValues: [string, string][] = [
  ['printable ASCII', 'ghp_plainprintableASCIIvalue0123456789'],
  ['line breaks', 'line one\nline two\r\n'],
  ['non-ASCII', 'пароль 密码 🔑'],
  ['quotes and backslashes', `quotes " and ' and \\ backslash`],
  ['only hex digits (ambiguous with -w, which prints unprintable values as bare hex)', 'deadbeef'],
  ['a 0x prefix', '0x41 looks like hex'],
  ['surrounding spaces', '  spaces  '],
  ['option-like text', '-U --option-like'],
];

describe('security backend: the command it sends', () => {
  it('writes with one `security -i` line on stdin: update-or-create, trusted /usr/bin/security, value as hex', async () => {
    const fake = new FakeSecurity();
    const store = new SecurityStore({ runner: fake });
    await store.set('mcp-harden', 'GITHUB_TOKEN', 'synthetic-value-1');
    expect(fake.runs).toHaveLength(1);
    expect(fake.runs[0]!.cmd).toBe('/usr/bin/security');
    expect(fake.runs[0]!.args).toEqual(['-i']);
    expect(fake.runs[0]!.options.stdin).toBe(
      `add-generic-password -U -s "mcp-harden" -a "GITHUB_TOKEN" -T /usr/bin/security -X ${Buffer.from('synthetic-value-1').toString('hex')}\n`,
    );
    expect(fake.items.get('mcp-harden\0GITHUB_TOKEN')?.trusted).toEqual(['/usr/bin/security']);
  });

  it.each(awkwardValues)('round-trips a value with %s, and never puts it in argv', async (_label, value) => {
    const fake = new FakeSecurity();
    const store = new SecurityStore({ runner: fake });
    await store.set('mcp-harden', 'TOKEN', value);
    expect(await store.get('mcp-harden', 'TOKEN')).toBe(value);
    await store.set('mcp-harden', 'TOKEN', `${value}-rotated`);
    expect(await store.get('mcp-harden', 'TOKEN')).toBe(`${value}-rotated`);
    // One command per write: nothing of the value leaked into a second command.
    expect(fake.commands.filter((c) => c[0] === 'add-generic-password')).toHaveLength(2);
    for (const run of fake.runs) {
      expect(run.args.join('\0')).not.toContain(value);
      expect(JSON.stringify(run.options.env ?? {})).not.toContain(value);
    }
  });

  it.each([
    ['a name with spaces', 'svc name', 'ACCOUNT NAME'],
    ['double quotes', 'svc "quoted"', 'a"b'],
    ['single quotes', "it's", "'"],
    ['backslashes', 'back\\slash\\', '\\"'],
    ['option-looking names', '-U', '-X'],
    ['unicode', 'сервис', '密钥'],
  ])('quotes %s so security reads them back exactly', async (_label, service, account) => {
    const line = addCommandLine(service, account, 'v');
    const argv = splitLine(line.trimEnd());
    expect(argv).toEqual(['add-generic-password', '-U', '-s', service, '-a', account, '-T', '/usr/bin/security', '-X', '76']);
    const fake = new FakeSecurity();
    const store = new SecurityStore({ runner: fake });
    await store.set(service, account, 'synthetic');
    expect(await store.get(service, account)).toBe('synthetic');
    expect(await store.list(service)).toEqual([{ account }]);
  });

  it('refuses names with a line break (it would start a second command) and runs nothing', async () => {
    const fake = new FakeSecurity();
    const store = new SecurityStore({ runner: fake });
    await expect(store.set('svc', 'a\ndelete-generic-password -s svc -a other', 'v')).rejects.toBeInstanceOf(UsageError);
    expect(() => quoteArg('x\ny')).toThrow(UsageError);
    expect(fake.runs).toHaveLength(0);
  });

  it('refuses a value whose command line security would cut in two, and runs nothing', async () => {
    const fake = new FakeSecurity();
    const store = new SecurityStore({ runner: fake });
    const prefixBytes = Buffer.byteLength(addCommandLine('svc', 'acct', '').trimEnd());
    const fits = 'x'.repeat(Math.floor((MAX_COMMAND_LINE_BYTES - prefixBytes) / 2));
    await store.set('svc', 'acct', fits);
    expect(await store.get('svc', 'acct')).toBe(fits);
    expect(fake.commands.filter((c) => c[0] === 'add-generic-password')).toHaveLength(1);

    const before = fake.runs.length;
    const err = await store.set('svc', 'acct', `${fits}y`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).not.toContain(fits);
    expect(fake.runs.length).toBe(before);
  });

  it('reads with find-generic-password -g and deletes with delete-generic-password, by service and account', async () => {
    const fake = new FakeSecurity();
    const store = new SecurityStore({ runner: fake });
    await store.set('svc', 'acct', 'synthetic');
    await store.get('svc', 'acct');
    await store.delete('svc', 'acct');
    expect(fake.runs.slice(1).map((r) => r.args)).toEqual([
      ['find-generic-password', '-s', 'svc', '-a', 'acct', '-g'],
      ['delete-generic-password', '-s', 'svc', '-a', 'acct'],
    ]);
  });
});

describe('security backend: answers and failures', () => {
  it('a missing item (exit 44) is null for get and false for delete', async () => {
    const store = new SecurityStore({ runner: new FakeSecurity() });
    expect(await store.get('svc', 'nothing')).toBeNull();
    expect(await store.delete('svc', 'nothing')).toBe(false);
  });

  it('lists the accounts of one service only, hex-printed names included, without values', async () => {
    const fake = new FakeSecurity();
    const store = new SecurityStore({ runner: fake });
    await store.set('mcp-harden', 'B_TOKEN', 'synthetic-b');
    await store.set('mcp-harden', 'A_TOKEN', 'synthetic-a');
    await store.set('mcp-harden', 'ключ', 'synthetic-c');
    await store.set('other-service', 'C_TOKEN', 'synthetic-d');
    expect(await store.list('mcp-harden')).toEqual([{ account: 'A_TOKEN' }, { account: 'B_TOKEN' }, { account: 'ключ' }]);
    expect(fake.runs.at(-1)!.args).toEqual(['dump-keychain']);
  });

  it('the probe stores, reads back and removes a throwaway item', async () => {
    const fake = new FakeSecurity();
    await new SecurityStore({ runner: fake }).probe();
    expect(fake.items.size).toBe(0);
    expect(fake.commands.map((c) => c[0])).toEqual(['add-generic-password', 'find-generic-password', 'delete-generic-password']);
    expect(fake.commands[0]).toContain('mcp-harden-probe');
  });

  it.each([
    ['locked with no way to prompt (exit 36)', { code: 36, stderr: 'security: SecKeychainItemCopyContent: User interaction is not allowed.\n' }, 'locked', /^the keychain is locked: unlock the login keychain/],
    ['a cancelled prompt (exit 128)', { code: 128, stderr: 'security: SecKeychainItemCopyContent: User canceled the operation.\n' }, 'refused', /^access to the keychain was refused/],
    ['a wrong password at the prompt (exit 51)', { code: 51, stderr: '' }, 'refused', /^access to the keychain was refused/],
    ['no default keychain (exit 37)', { code: 37, stderr: 'security: A default keychain could not be found.\n' }, 'missing-backend', /^no keychain available/],
    ['no security tool', { code: null, spawnError: 'not-found' }, 'missing-backend', /^no keychain available.*not found/],
    ['no answer in time', { code: null, timedOut: true }, 'timeout', /^the keychain did not answer in time/],
  ] as const)('%s is KeychainUnavailableError(%s), exit 10', async (_label, result, reason, message) => {
    const fake = new FakeSecurity();
    fake.override = result;
    const store = new SecurityStore({ runner: fake });
    for (const op of [() => store.get('svc', 'acct'), () => store.set('svc', 'acct', 'synthetic'), () => store.probe()]) {
      const err = await op().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KeychainUnavailableError);
      expect(err).toMatchObject({ reason });
      expect((err as Error).message).toMatch(message);
      expect(exitCodeFor(err)).toBe(10);
    }
  });

  it('an unknown failure is a plain error that never repeats the password line', async () => {
    const fake = new FakeSecurity();
    fake.override = { code: 3, stderr: 'password: "synthetic-leak-check"\nsecurity: something odd happened\n' };
    const err = await new SecurityStore({ runner: fake }).get('svc', 'acct').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(KeychainUnavailableError);
    expect((err as Error).message).toContain('something odd happened');
    expect((err as Error).message).not.toContain('synthetic-leak-check');
    expect(exitCodeFor(err)).toBe(1);
  });
});

describe('security output parsing', () => {
  it('decodes both forms of print_buffer', () => {
    expect(decodePrinted('"plain"')).toBe('plain');
    expect(decodePrinted('"with "inner" quotes"')).toBe('with "inner" quotes');
    expect(decodePrinted(`0x${Buffer.from('a\nb').toString('hex').toUpperCase()}  "a\\012b"`)).toBe('a\nb');
    expect(decodePrinted('0xD0BFD0B0 ')).toBe('па');
    expect(decodePrinted('<NULL>')).toBeNull();
    expect(decodePrinted('')).toBe('');
  });

  it('finds the password line among other stderr lines', () => {
    expect(parsePasswordOutput('password: "abc"\n')).toBe('abc');
    expect(parsePasswordOutput('password: \n')).toBe('');
    expect(parsePasswordOutput('nothing here\n')).toBeNull();
  });

  it('reads only generic passwords of the asked service from a dump', () => {
    const dump = [
      'keychain: "/k"',
      'class: "inet"',
      'attributes:',
      '    "acct"<blob>="web"',
      '    "svce"<blob>="mcp-harden"',
      'keychain: "/k"',
      'class: "genp"',
      'attributes:',
      '    "acct"<blob>="KEEP"',
      '    "svce"<blob>="mcp-harden"',
      'keychain: "/k"',
      'class: "genp"',
      'attributes:',
      '    "acct"<blob>=<NULL>',
      '    "svce"<blob>="mcp-harden"',
    ].join('\n');
    expect(parseDump(dump, 'mcp-harden')).toEqual(['KEEP']);
  });
});
