// Risky settings of a declared server, independent of secrets: unpinned packages, plain-HTTP
// remotes, filesystem servers given the whole disk, containers with host privileges.
import type { Finding, Located, Server } from './model.js';
import { RULES } from './rules.js';

/** The program name without directory or Windows extension: `C:\x\npx.cmd` → `npx`. */
export function programName(command: string): string {
  const base = command.split(/[\\/]/).pop() ?? command;
  return base.replace(/\.(cmd|exe|bat|ps1)$/i, '').toLowerCase();
}

/**
 * The command line as the server really starts: unwraps `cmd /c npx …` and `bash -c "npx …"`-free
 * forms only where the wrapped program is a separate argument (a shell string is left alone).
 */
export function effectiveArgv(server: Server): Located[] {
  if (!server.command) return [];
  let argv: Located[] = [server.command, ...server.args];
  for (let guard = 0; guard < 3; guard++) {
    const first = argv[0];
    if (!first) break;
    const prog = programName(first.value);
    if (prog === 'cmd' && argv[1] && /^\/[ck]$/i.test(argv[1].value)) {
      argv = argv.slice(2);
    } else if (prog === 'mcp-harden-launch') {
      // Our own launcher: the server is what it starts.
      argv = argv.slice(1);
    } else if (prog === 'mcp-harden' && argv[1]?.value === 'exec') {
      argv = argv.slice(argv[2]?.value === '--' ? 3 : 2);
    } else if (prog === 'env' || prog === 'exec') {
      // `env KEY=val npx pkg`: skip the assignments.
      let i = 1;
      while (argv[i] && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!.value) || argv[i]!.value.startsWith('-'))) i++;
      argv = argv.slice(i);
    } else {
      break;
    }
  }
  return argv;
}

export interface PackageRef {
  runner: 'npx' | 'uvx' | 'docker' | 'pipx';
  spec: string;
  at: Located;
  pinned: boolean;
}

const NPM_VERSION = /^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/;

function npmSpecPinned(spec: string): boolean {
  // @scope/name@1.2.3 or name@1.2.3; ranges and dist-tags are not pins.
  const at = spec.lastIndexOf('@');
  if (at <= 0) return false;
  const version = spec.slice(at + 1);
  return NPM_VERSION.test(version);
}

function pySpecPinned(spec: string): boolean {
  if (/==\s*[0-9]/.test(spec)) return true;
  const at = spec.lastIndexOf('@');
  return at > 0 && /^[0-9]+(\.[0-9]+)*([a-z0-9.+-]*)$/i.test(spec.slice(at + 1));
}

function imagePinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/i.test(image)) return true;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return false;
  const tag = image.slice(colon + 1);
  return tag !== '' && tag !== 'latest';
}

// docker run options that take a value as the next argument.
const DOCKER_VALUE_OPTS = new Set([
  '-e', '--env', '-v', '--volume', '--name', '--network', '--net', '-p', '--publish', '--env-file', '-w',
  '--workdir', '--mount', '--entrypoint', '-u', '--user', '--label', '-l', '--platform', '--pull', '-h',
  '--hostname', '--add-host', '--cap-add', '--cap-drop', '--memory', '-m', '--cpus', '--pid', '--ipc',
  '--security-opt', '--device', '--tmpfs', '--restart', '--log-driver', '--runtime', '--gpus', '--shm-size',
  '--ulimit', '--dns', '--userns', '--uts', '--cgroupns', '--group-add', '--link', '--expose', '--stop-signal',
]);

interface DockerRun {
  options: { name: string; value?: Located; at: Located }[];
  image?: Located;
}

function parseDockerRun(argv: Located[]): DockerRun | undefined {
  const prog = argv[0] ? programName(argv[0].value) : '';
  if (prog !== 'docker' && prog !== 'podman') return undefined;
  let i = 1;
  // `docker container run` and `docker run`
  if (argv[i]?.value === 'container') i++;
  if (argv[i]?.value !== 'run') return undefined;
  i++;
  const run: DockerRun = { options: [] };
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.value === '--') {
      run.image = argv[i + 1];
      break;
    }
    if (!a.value.startsWith('-')) {
      run.image = a;
      break;
    }
    const eq = a.value.indexOf('=');
    if (eq > 0) {
      run.options.push({ name: a.value.slice(0, eq), value: { ...a, value: a.value.slice(eq + 1) }, at: a });
    } else if (DOCKER_VALUE_OPTS.has(a.value)) {
      run.options.push({ name: a.value, value: argv[i + 1], at: a });
      i++;
    } else {
      run.options.push({ name: a.value, at: a });
    }
  }
  return run;
}

/** The package a stdio server fetches at launch, if it is started through a package runner. */
export function packageRef(server: Server): PackageRef | undefined {
  const argv = effectiveArgv(server);
  const first = argv[0];
  if (!first) return undefined;
  const prog = programName(first.value);
  const rest = argv.slice(1);

  if (prog === 'npx' || prog === 'bunx' || prog === 'pnpx') {
    let explicitPackage: Located | undefined;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a.value === '-p' || a.value === '--package') {
        explicitPackage = rest[i + 1];
        i++;
        continue;
      }
      if (a.value.startsWith('--package=')) {
        explicitPackage = { ...a, value: a.value.slice('--package='.length) };
        continue;
      }
      if (a.value.startsWith('-')) continue;
      const at = explicitPackage ?? a;
      return { runner: 'npx', spec: at.value, at, pinned: npmSpecPinned(at.value) };
    }
    return undefined;
  }
  if ((prog === 'pnpm' || prog === 'yarn') && rest[0]?.value === 'dlx') {
    const at = rest.slice(1).find((a) => !a.value.startsWith('-'));
    return at ? { runner: 'npx', spec: at.value, at, pinned: npmSpecPinned(at.value) } : undefined;
  }
  if (prog === 'uvx' || (prog === 'uv' && rest[0]?.value === 'tool' && rest[1]?.value === 'run')) {
    const args = prog === 'uv' ? rest.slice(2) : rest;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a.value === '--from') {
        const from = args[i + 1];
        return from ? { runner: 'uvx', spec: from.value, at: from, pinned: pySpecPinned(from.value) } : undefined;
      }
      if (a.value.startsWith('--from=')) {
        const v = a.value.slice('--from='.length);
        return { runner: 'uvx', spec: v, at: a, pinned: pySpecPinned(v) };
      }
      if (a.value === '--with' || a.value === '--python' || a.value === '-p' || a.value === '--index-url') {
        i++;
        continue;
      }
      if (a.value.startsWith('-')) continue;
      return { runner: 'uvx', spec: a.value, at: a, pinned: pySpecPinned(a.value) };
    }
    return undefined;
  }
  if (prog === 'pipx' && rest[0]?.value === 'run') {
    const at = rest.slice(1).find((a) => !a.value.startsWith('-'));
    return at ? { runner: 'pipx', spec: at.value, at, pinned: pySpecPinned(at.value) } : undefined;
  }
  const docker = parseDockerRun(argv);
  if (docker?.image) {
    return { runner: 'docker', spec: docker.image.value, at: docker.image, pinned: imagePinned(docker.image.value) };
  }
  return undefined;
}

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    /^127(\.\d{1,3}){3}$/.test(h) ||
    h === '::1' ||
    h === '0.0.0.0' ||
    h === 'host.docker.internal'
  );
}

function broadPath(value: string, home: string): boolean {
  const v = value.trim().replace(/[\\/]+$/, '');
  const h = home.replace(/[\\/]+$/, '');
  if (value.trim() === '/' || value.trim() === '\\') return true;
  if (/^[A-Za-z]:$/.test(v)) return true; // C:\ after trimming the slash
  if (v === '~' || v === '$HOME' || v === '${HOME}' || v === '%USERPROFILE%' || v === '${userHome}') return true;
  if (h && v === h) return true;
  // Someone's home directory, even when it is not ours.
  if (/^\/(home|Users)\/[^/]+$/.test(v) || /^[A-Za-z]:\\Users\\[^\\]+$/i.test(v) || v === '/root') return true;
  return false;
}

/**
 * The index in `argv` of the word that names what runs: the package a runner fetches (or, with
 * `npx -p pkg bin`, the bin it runs), the image, or the program itself.
 */
function commandWordIndex(argv: Located[]): number {
  const prog = argv[0] ? programName(argv[0].value) : '';
  // Options of the runner itself that take the next argument as their value.
  const valued: Record<string, readonly string[]> = {
    npx: ['-p', '--package', '-c', '--call'],
    bunx: ['-p', '--package'],
    pnpx: ['-p', '--package'],
    uvx: ['--from', '--with', '--python', '-p', '--index-url', '--with-requirements', '--index', '--extra-index-url'],
  };
  let i = 1;
  if ((prog === 'pnpm' || prog === 'yarn') && argv[1]?.value === 'dlx') i = 2;
  else if (prog === 'uv' && argv[1]?.value === 'tool' && argv[2]?.value === 'run') i = 3;
  else if (prog === 'pipx' && argv[1]?.value === 'run') i = 2;
  else if (prog === 'docker' || prog === 'podman') {
    const image = parseDockerRun(argv)?.image;
    return image ? argv.indexOf(image) : argv.length;
  } else if (!(prog in valued)) return 0;
  const takesValue = valued[prog === 'uv' ? 'uvx' : prog] ?? [];
  for (; i < argv.length; i++) {
    const v = argv[i]!.value;
    if (takesValue.includes(v)) i++;
    else if (!v.startsWith('-')) return i;
  }
  return argv.length;
}

/**
 * The positional arguments a server is given after the word that names it (for a filesystem
 * server, its roots). An argument that follows an `--option` without `=` is taken as that
 * option's value, never as a positional one: which options take a value is not known for an
 * arbitrary server, and mistaking a value for a root is the worse error.
 */
export function positionalArgs(server: Server): Located[] {
  const argv = effectiveArgv(server);
  const start = commandWordIndex(argv);
  const out: Located[] = [];
  let afterDashes = false;
  for (let i = start + 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (!afterDashes && a.value === '--') {
      afterDashes = true;
      continue;
    }
    if (!afterDashes && a.value.startsWith('-')) {
      if (!a.value.includes('=')) i++; // its value, if it takes one
      continue;
    }
    out.push(a);
  }
  return out;
}

function isFilesystemServer(server: Server, argv: Located[]): boolean {
  const joined = argv.map((a) => a.value).join(' ');
  return /server-filesystem|mcp-server-filesystem|filesystem-mcp|mcp-filesystem/i.test(joined) || /filesystem/i.test(server.name);
}

function finding(
  rule: Finding['rule'],
  server: Server,
  at: { line: number; column: number } | undefined,
  message: string,
): Finding {
  return {
    rule,
    severity: RULES[rule].severity,
    message,
    file: server.file,
    line: at?.line ?? server.line,
    column: at?.column ?? server.column,
    client: server.client,
    server: server.name,
    fix: RULES[rule].fix,
  };
}

/** Findings about how a server is started or reached. `home` is the user's home directory. */
export function serverRisks(server: Server, home: string): Finding[] {
  const out: Finding[] = [];
  const argv = effectiveArgv(server);

  const pkg = packageRef(server);
  if (pkg && !pkg.pinned) {
    const what = pkg.runner === 'docker' ? 'image' : 'package';
    out.push(
      finding(
        'unpinned-package',
        server,
        pkg.at,
        `${pkg.runner} runs ${what} ${pkg.spec} without a pinned ${pkg.runner === 'docker' ? 'tag or digest' : 'version'}`,
      ),
    );
  }

  if (server.url && server.transport !== 'stdio') {
    try {
      const u = new URL(server.url.value);
      if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
        out.push(finding('insecure-transport', server, server.url, `remote server at ${u.host} is reached over plain http`));
      }
    } catch {
      // A url with an unresolved ${VAR} host cannot be judged.
    }
  }

  if (isFilesystemServer(server, argv)) {
    // Only positional arguments: `--cache-dir ~` names a cache, not a root.
    for (const a of positionalArgs(server)) {
      if (broadPath(a.value, home)) {
        out.push(finding('broad-filesystem-access', server, a, `filesystem server is given ${a.value}`));
      }
    }
  }

  const docker = parseDockerRun(argv);
  if (docker) {
    const reasons: { why: string; at: Located }[] = [];
    for (const o of docker.options) {
      const v = o.value?.value ?? '';
      if (o.name === '--privileged') reasons.push({ why: '--privileged', at: o.at });
      if ((o.name === '--network' || o.name === '--net') && v === 'host') reasons.push({ why: 'host networking', at: o.at });
      if (o.name === '--pid' && v === 'host') reasons.push({ why: 'the host PID namespace', at: o.at });
      if ((o.name === '-v' || o.name === '--volume' || o.name === '--mount') && /docker\.sock/.test(v)) {
        reasons.push({ why: 'the docker socket mounted', at: o.at });
      }
      if ((o.name === '-v' || o.name === '--volume') && /^\/:/.test(v)) reasons.push({ why: 'the host root mounted', at: o.at });
      if (o.name === '--cap-add' && /^(ALL|SYS_ADMIN)$/i.test(v)) reasons.push({ why: `--cap-add ${v}`, at: o.at });
    }
    for (const r of reasons) {
      out.push(finding('dangerous-container', server, r.at, `container runs with ${r.why}`));
    }
  }
  return out;
}
