// `npm run screenshots`: drives the real binary (`mcp-harden demo`, which brings its own private
// keyring and sandbox) in a pseudo-terminal through every wizard step and writes one PNG per step
// into screenshots/. Each frame is the @xterm/headless buffer (characters, 16-colour attributes,
// bold, inverse) drawn as SVG on a monospace grid, rendered to PNG with @resvg/resvg-js. The fonts
// come from the dejavu-fonts-ttf npm package and are loaded explicitly, so a machine without any
// fonts installed renders the same images.
//
// No secret may be shown: every screen, the SVG text and the raw terminal output are searched for
// every synthetic secret the demo sandbox holds before anything is written; a hit fails the run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { build } from 'esbuild';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repo, 'dist/cli.js');
const outDir = join(repo, 'screenshots');
const require = createRequire(import.meta.url);
const fontDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FONTS = ['DejaVuSansMono.ttf', 'DejaVuSansMono-Bold.ttf', 'DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => join(fontDir, f));
for (const f of FONTS) if (!existsSync(f)) throw new Error(`font missing: ${f} (npm install)`);

// ---------------------------------------------------------------------------------------------
// Build, then the demo's secrets. `mcp-harden demo` builds its sandbox with the default seed, so a
// sandbox built here with that seed holds the same synthetic values (checked after the run).

function step(label) {
  process.stdout.write(`${label}\n`);
}

step('building dist/cli.js');
const b = spawnSync(process.execPath, [join(repo, 'scripts/build.mjs')], { cwd: repo, encoding: 'utf8' });
if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);

// The sandbox builder and the pty helper are TypeScript: bundled here, next to node_modules so
// their package imports (node-pty, @xterm/headless) resolve.
mkdirSync(join(repo, 'node_modules', '.cache'), { recursive: true });
const work = mkdtempSync(join(repo, 'node_modules', '.cache', 'mcp-harden-screenshots-'));
await build({
  entryPoints: { sandbox: join(repo, 'src/demo/sandbox.ts'), pty: join(repo, 'test/helpers/pty.ts') },
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outdir: work,
  outExtension: { '.js': '.mjs' },
  logLevel: 'error',
});
const { buildSandbox } = await import(pathToFileURL(join(work, 'sandbox.mjs')).href);
const { spawnCli } = await import(pathToFileURL(join(work, 'pty.mjs')).href);
const probe = buildSandbox({ seed: 'demo' });
const SECRETS = Object.entries(probe.secrets);
rmSync(probe.root, { recursive: true, force: true });

/** Throws when any secret value is in the text; never prints the value. */
function assertNoSecret(where, text) {
  const flat = text.replace(/\s*\n\s*/g, '');
  for (const [name, value] of SECRETS) {
    if (text.includes(value) || flat.includes(value)) throw new Error(`the ${name} secret appears unmasked in ${where}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Terminal buffer → SVG → PNG.

const THEME = {
  background: '#1d1f23',
  foreground: '#d7dae0',
  chrome: '#2b2e34',
  // The 16 ANSI colours: black red green yellow blue magenta cyan white, then the bright ones.
  ansi: [
    '#3b4048', '#e06c75', '#98c379', '#e5c07b', '#61afef', '#c678dd', '#56b6c2', '#d7dae0',
    '#7f848e', '#ff7a85', '#b5e890', '#ffd68a', '#7cc4ff', '#dda0ff', '#7fd6e0', '#ffffff',
  ],
};

function paletteColor(i) {
  if (i < 16) return THEME.ansi[i];
  if (i < 232) {
    const n = i - 16;
    const v = (x) => (x === 0 ? 0 : 55 + x * 40);
    return rgb(v(Math.floor(n / 36)), v(Math.floor(n / 6) % 6), v(n % 6));
  }
  const g = 8 + (i - 232) * 10;
  return rgb(g, g, g);
}
const rgb = (r, g, b) => `#${[r, g, b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;

function cellStyle(cell) {
  let fg = cell.isFgDefault() ? THEME.foreground : cell.isFgRGB() ? `#${cell.getFgColor().toString(16).padStart(6, '0')}` : paletteColor(cell.getFgColor());
  let bg = cell.isBgDefault() ? null : cell.isBgRGB() ? `#${cell.getBgColor().toString(16).padStart(6, '0')}` : paletteColor(cell.getBgColor());
  if (cell.isInverse()) [fg, bg] = [bg ?? THEME.background, fg];
  return { fg, bg, bold: Boolean(cell.isBold()), dim: Boolean(cell.isDim()), coloured: !cell.isFgDefault() || !cell.isBgDefault() };
}

const FONT_SIZE = 14;
const CELL_W = FONT_SIZE * 0.6021; // DejaVu Sans Mono advance: 1233 / 2048 em
const LINE_H = Math.round(FONT_SIZE * 1.3);
const PAD = 16;
const BAR = 30;

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The visible buffer as SVG, and whether any cell had a colour. */
function toSvg(term, title) {
  const buf = term.buffer.active;
  const width = Math.ceil(term.cols * CELL_W + 2 * PAD);
  const height = BAR + term.rows * LINE_H + 2 * PAD;
  const rects = [];
  const texts = [];
  let coloured = false;
  for (let y = 0; y < term.rows; y++) {
    const line = buf.getLine(buf.viewportY + y);
    if (!line) continue;
    const top = BAR + PAD + y * LINE_H;
    const base = top + Math.round(LINE_H * 0.76);
    // Runs of cells with one style; every glyph is placed on its own column, so a glyph from the
    // fallback font cannot shift the grid.
    let run = null;
    const flush = () => {
      if (!run) return;
      if (run.style.bg) rects.push(`<rect x="${(PAD + run.x0 * CELL_W).toFixed(2)}" y="${top}" width="${(run.w * CELL_W).toFixed(2)}" height="${LINE_H}" fill="${run.style.bg}"/>`);
      const glyphs = run.chars.map((c, i) => [c, run.xs[i]]).filter(([c]) => c !== ' ');
      if (glyphs.length) {
        const attrs = [`fill="${run.style.fg}"`, run.style.bold ? 'font-weight="bold"' : '', run.style.dim ? 'fill-opacity="0.6"' : ''].filter(Boolean).join(' ');
        texts.push(
          `<text x="${glyphs.map(([, x]) => (PAD + x * CELL_W).toFixed(2)).join(' ')}" y="${base}" ${attrs}>${esc(glyphs.map(([c]) => c).join(''))}</text>`,
        );
      }
      run = null;
    };
    const cell = line.getCell(0);
    for (let x = 0; x < term.cols; x++) {
      line.getCell(x, cell);
      if (cell.getWidth() === 0) continue; // the second half of a wide character
      const style = cellStyle(cell);
      coloured ||= style.coloured;
      const key = `${style.fg}|${style.bg}|${style.bold}|${style.dim}`;
      if (!run || run.key !== key) {
        flush();
        run = { key, style, x0: x, w: 0, chars: [], xs: [] };
      }
      // One glyph per cell (its first code point), so the x list and the glyphs stay in step.
      run.chars.push([...(cell.getChars() || ' ')][0]);
      run.xs.push(x);
      run.w += cell.getWidth();
    }
    flush();
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<rect width="${width}" height="${height}" rx="8" fill="${THEME.background}"/>
<path d="M0 8a8 8 0 0 1 8-8h${width - 16}a8 8 0 0 1 8 8v${BAR - 8}h-${width}z" fill="${THEME.chrome}"/>
<circle cx="18" cy="15" r="6" fill="#ff5f57"/><circle cx="38" cy="15" r="6" fill="#febc2e"/><circle cx="58" cy="15" r="6" fill="#28c840"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-family="DejaVu Sans" font-size="12" fill="#9da5b4">${esc(title)}</text>
${rects.join('\n')}
<g font-family="DejaVu Sans Mono" font-size="${FONT_SIZE}" xml:space="preserve">
${texts.join('\n')}
</g>
</svg>
`;
  return { svg, coloured };
}

function screenText(term) {
  const buf = term.buffer.active;
  const out = [];
  for (let y = 0; y < term.rows; y++) out.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
  return out.join('\n');
}

const shots = [];
let sawColour = false;

function shoot(session, name) {
  const { term } = session;
  const title = `mcp-harden demo — ${term.cols}×${term.rows}`;
  const text = screenText(term);
  assertNoSecret(`screen ${name}`, text);
  const { svg, coloured } = toSvg(term, title);
  sawColour ||= coloured;
  assertNoSecret(`the SVG of ${name}`, svg);
  const png = new Resvg(svg, {
    background: THEME.background,
    fitTo: { mode: 'zoom', value: 1.5 },
    font: { loadSystemFonts: false, fontFiles: FONTS, defaultFontFamily: 'DejaVu Sans Mono', monospaceFamily: 'DejaVu Sans Mono', sansSerifFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  // A later frame of the same step replaces an earlier one.
  const at = shots.findIndex((x) => x.name === name);
  if (at >= 0) shots[at] = { name, png };
  else {
    shots.push({ name, png });
    step(`  ${name}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The runs. The demo builds its own sandbox and keyring; colour is on (no NO_COLOR, a colour TERM).

const env = { ...process.env, TERM: 'xterm-256color', COLORTERM: '', FORCE_COLOR: '1', LANG: 'C.UTF-8' };
delete env.NO_COLOR;
delete env.MCP_HARDEN_DEMO_SANDBOX;

async function settle(s, what, timeoutMs = 20_000) {
  await s.waitFor(what, timeoutMs);
  await s.idle(200);
  // The frame must still be the one asked for once the output has settled.
  await s.waitFor(what, 1000);
}

let raw = '';
const sessions = [];
const open = (opts) => {
  const s = spawnCli({ cli, cwd: repo, env, ...opts });
  sessions.push(s);
  return s;
};
try {
  step('100×30: every step');
  // The demo's scan is quick, and a quick scan opens on the server table: the Scan step shows only
  // when a scan takes a while (a big home or workspace). A test hook makes this one last 1.5 s, so
  // the step is drawn as such a machine would see it, with the scan's real counters.
  const s = open({ args: ['demo', '--keep'], cols: 100, rows: 30, env: { ...env, MCP_HARDEN_TEST_HOOKS: '1', MCP_HARDEN_TEST_SLOW_SCAN_MS: '1500' } });
  await s.waitFor(/1\/9 Scan[\s\S]*Looking at your MCP setup[\s\S]*[1-9]\d* secrets found/, 20_000);
  shoot(s, '01-scan');
  await settle(s, /2\/9 Servers[\s\S]*Continue to trust levels/);
  shoot(s, '02-servers');
  // The details of one server (github, user scope): the cursor starts on Continue, below the table.
  for (let i = 0; i < 8; i++) s.press('Up');
  await s.idle(150);
  s.press('Enter');
  await settle(s, /2\/9 Servers[\s\S]*Enter or Esc closes/);
  shoot(s, '03-server-details');
  s.press('Esc');
  await settle(s, /2\/9 Servers[\s\S]*Continue to trust levels/);
  for (let i = 0; i < 8; i++) s.press('Down');
  await s.idle(150);
  s.press('Enter');
  await settle(s, '3/9 Trust');
  shoot(s, '04-trust');
  s.press('Enter');
  await settle(s, '4/9 Scopes');
  shoot(s, '05-scopes');
  s.press('Enter');
  await settle(s, '5/9 Files');
  shoot(s, '06-files');
  s.press('Enter');
  await settle(s, /6\/9 Keychain[\s\S]*Space switches/);
  shoot(s, '07-keychain');
  s.press('Enter');
  await settle(s, /will change \(secrets masked\)/);
  shoot(s, '07-keychain-diff');
  s.press('Enter');
  await settle(s, '7/9 Confirm');
  shoot(s, '08-confirm');
  // Applying is over in a moment: its frame is taken as soon as the terminal has parsed it, the
  // last one before the summary.
  let applying = false;
  const watch = s.term.onWriteParsed(() => {
    const text = screenText(s.term);
    if (/8\/9 Apply/.test(text) && /\S/.test(text.split('\n').slice(4).join(''))) {
      shoot(s, '09-applying');
      applying = true;
    }
  });
  s.press('Enter');
  await s.waitFor('9/9 Summary', 30_000);
  watch.dispose();
  if (!applying) step('  (the Applying step passed too quickly to catch)');
  await settle(s, /9\/9 Summary[\s\S]*Enter exits/, 30_000);
  shoot(s, '10-summary');
  s.press('Enter');
  const exit = await s.exit;
  raw += s.raw();
  if (exit.code !== 0) throw new Error(`the demo exited ${exit.code}`);

  // The demo's sandbox (kept) must be the one whose secrets were checked: shell history keeps its
  // lines without --remove-history, so the GitHub token must still be there.
  const kept = /The sandbox stays at (\S+) \(--keep\)/.exec(s.raw().replace(/\r?\n/g, ' '))?.[1];
  if (!kept) throw new Error('the demo did not say where it kept its sandbox');
  const history = readFileSync(join(kept, 'home', '.bash_history'), 'utf8');
  const gh = createHash('sha256').update(probe.secrets.github).digest('hex');
  const held = history.split(/[\s=]/).some((w) => createHash('sha256').update(w).digest('hex') === gh);
  rmSync(kept, { recursive: true, force: true });
  if (!held) throw new Error("the demo's sandbox holds other secrets than the ones checked here");

  step('80×24: the Servers table');
  const small = open({ args: ['demo'], cols: 80, rows: 24 });
  await settle(small, /2\/9 Servers[\s\S]*Continue to trust levels/);
  shoot(small, '02-servers-80x24');
  small.press('q');
  await small.exit;
  raw += small.raw();

  assertNoSecret('the raw terminal output', raw);
  if (!sawColour) throw new Error('no screen had any colour: the wizard did not see a colour terminal');

  mkdirSync(outDir, { recursive: true });
  for (const { name, png } of shots) writeFileSync(join(outDir, `${name}.png`), png);
  step(`wrote ${shots.length} PNGs to screenshots/`);
} finally {
  for (const s of sessions) s.kill();
  rmSync(work, { recursive: true, force: true });
}
