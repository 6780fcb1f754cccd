import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { parseStackFile, parseStackTargets } from '../lib/load/stack-file';
import { ROOT, readTree, runCli, tempDir } from './_cli';

// Hostile and odd input, end to end through the real command lines: every refusal is exit 2,
// one line per problem, no stack trace, and the output folder left as it was.

const STACK = 'name: shop\nweb:\n  image: ghcr.io/acme/shop:1.4.2\n  framework: flask\n';
const PLAN = path.join(ROOT, 'build/plan.js');

function runPlan(args: string[]) {
  const r = spawnSync(process.execPath, [PLAN, ...args], { cwd: ROOT, encoding: 'utf-8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder holding stack files (name -> text or bytes). */
function stackDir(files: Record<string, string | Buffer>): string {
  const dir = tempDir('pyweb-hostile-');
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

function expectOneLineRefusal(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('YAML tags and expansion', () => {
  test.each(['port: !!int 8000', 'port: !<tag:yaml.org,2002:int> 8000'])('accepts the standard tag in %s', (line) => {
    const { config, issues } = parseStackFile(`${STACK}  ${line}\n  env:\n    DEBUG: !!bool true\n    RATIO: !!float 0.5\n    NOTHING: !!str 007\n`);
    expect(issues).toEqual([]);
    expect(config!.web.port).toBe(8000);
    expect(config!.web.env).toEqual({ DEBUG: 'true', RATIO: '0.5', NOTHING: '007' });
  });

  test('fails if a tag is unknown or a null stands where a value belongs, as one issue each (synth and plan)', () => {
    expect(parseStackFile(`${STACK}  port: !!null\n`).issues.map((i) => i.path)).toEqual(['web.port']);
    expect(parseStackFile(`${STACK}  port: !custom 8000\n`).issues[0].message).toMatch(/^YAML syntax error at line 5/);
    const dir = stackDir({ 'a.yaml': `${STACK}  port: !!float 8000.5\n`, 'b.yaml': STACK.replace('shop', 'b').replace('image: ', 'image: !!binary ') });
    const out = path.join(tempDir(), 'out');
    for (const r of [runCli(['--config', dir, '--outdir', out]), runPlan(['--config', dir, '--against', dir])]) {
      expectOneLineRefusal(r, /a\.yaml: web\.port: must be a whole number/);
      expect(r.stderr).not.toContain('YAMLException');
    }
  });

  test('fails if aliases expand a file past 2 MiB of text, however few values they are', () => {
    const big = 'x'.repeat(100_000);
    const text = `${STACK}  env:\n    BIG: &big ${big}\nlabels:\n${Array.from({ length: 30 }, (_, i) => `  l${i}: *big`).join('\n')}\n`;
    expect(parseStackFile(text).issues).toEqual([expect.objectContaining({ message: 'the file expands to more than 2 MiB of text (YAML aliases?)' })]);
    const huge = `${STACK}  env:\n    BIG: &big ${big}\ntargets:\n${Array.from({ length: 2000 }, (_, i) => `  t${i}: {labels: {a: *big}}`).join('\n')}\n`;
    expect(parseStackFile(huge).issues[0].message).toMatch(/^the file expands to more than/);
  });

  test('fails if the YAML nests deeper than any stack file', () => {
    expect(parseStackFile(`${STACK}labels: ${'['.repeat(70)}${']'.repeat(70)}\n`).issues[0].message).toBe('the file expands to more than 64 levels of nesting (YAML aliases?)');
  });
});

describe('text and file names', () => {
  test('fails if a stack file is not UTF-8, naming the line', () => {
    const dir = stackDir({ 'shop.yaml': Buffer.concat([Buffer.from(`${STACK}  env:\n    CITY: M`), Buffer.from([0xfc]), Buffer.from('nchen\n')]) });
    const r = runCli(['--config', dir, '--outdir', path.join(tempDir(), 'out')]);
    expectOneLineRefusal(r, /shop\.yaml: is not UTF-8 text \(byte 0xfc on line 6\); save it as UTF-8/);
  });

  test('a config folder reads *.yaml and *.yml in any case, and skips hidden files', () => {
    const dir = stackDir({ 'A.yaml': STACK.replace('shop', 'a'), 'B.YAML': STACK.replace('shop', 'b'), 'c.yml': STACK.replace('shop', 'c'), 'D.Yml': STACK.replace('shop', 'd'), '.e.yaml': 'broken: [', 'notes.txt': 'x' });
    const out = path.join(tempDir(), 'out');
    const r = runCli(['--config', dir, '--outdir', out]);
    expect(r.stderr).toBe('');
    expect(Object.keys(readTree(out)).filter((f) => f.endsWith('.k8s.yaml')).sort()).toEqual(['development/a.k8s.yaml', 'development/b.k8s.yaml', 'development/c.k8s.yaml', 'development/d.k8s.yaml']);
  });
});

describe('placeholders', () => {
  test('fails if a literal ${ (written $${) makes a value invalid, naming the file, with the other files\' problems too', () => {
    const dir = stackDir({ 'a.yaml': `${STACK}namespace: "x$\${y}"\n`, 'b.yaml': `${STACK.replace('shop', 'b')}  port: 80\n` });
    const r = runCli(['--config', dir, '--outdir', path.join(tempDir(), 'out')]);
    expectOneLineRefusal(r, /a\.yaml: namespace: has the wrong format \(got "x\$\{y\}"/);
    expect(r.stderr).toMatch(/b\.yaml: web\.port: must be >= 1024/);
  });

  test('a literal ${ stays literal where it is valid', () => {
    const { targets, issues } = parseStackTargets(`${STACK}  env:\n    TEMPLATE: "$\${HOME}/x"\n`);
    expect(issues).toEqual([]);
    expect(targets[0].config.web.env).toEqual({ TEMPLATE: '${HOME}/x' });
  });

  test('fails if the stack name holds a placeholder', () => {
    expect(parseStackTargets(STACK.replace('name: shop', 'name: "app-${target}"')).issues).toEqual([expect.objectContaining({ path: 'name', message: expect.stringMatching(/^cannot hold a placeholder/) })]);
  });
});

describe('file-system errors are one line, exit 2, output intact', () => {
  test('fails if --outdir lies below a file', () => {
    const dir = stackDir({ 'shop.yaml': STACK });
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    expectOneLineRefusal(runCli(['--config', dir, '--outdir', path.join(dir, 'file', 'sub')]), /file: (a file is in the way|a part of the path is a file, not a folder) \((EEXIST|ENOTDIR), mkdir\)/);
  });

  test('fails if plan --against holds a folder or a dangling link named *.k8s.yaml', () => {
    const config = stackDir({ 'shop.yaml': STACK });
    const against = tempDir();
    fs.mkdirSync(path.join(against, 'development', 'shop.k8s.yaml'), { recursive: true });
    expectOneLineRefusal(runPlan(['--config', config, '--against', against]), /development\/shop\.k8s\.yaml: is a folder, not a file/);
    fs.rmdirSync(path.join(against, 'development', 'shop.k8s.yaml'));
    fs.symlinkSync('/nonexistent/x', path.join(against, 'development', 'shop.k8s.yaml'));
    expectOneLineRefusal(runPlan(['--config', config, '--against', against]), /shop\.k8s\.yaml: is a link to nothing \(\/nonexistent\/x\)/);
  });

  test('fails if a --config file is a device, which would be read without end', () => {
    expectOneLineRefusal(runCli(['--config', '/dev/zero', '--outdir', path.join(tempDir(), 'out')]), /^\/dev\/zero: is not a regular file/);
  });

  test('fails if plan --against is empty, as synth refuses an empty --outdir', () => {
    expectOneLineRefusal(runPlan(['--against', '']), /^--against: must not be empty/);
  });

  const asRoot = process.getuid?.() === 0;
  (asRoot ? test : test.skip)('fails if the disk is full or the outdir is a mount point (real tmpfs, own mount namespace)', () => {
    const config = stackDir({ 'shop.yaml': STACK });
    const mnt = tempDir();
    const cli = path.join(ROOT, 'build/main.js');
    const script = (body: string) => spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=${body}`], { encoding: 'utf-8' });
    // ENOSPC: a 24 KiB tmpfs fills while the render is staged; the previous output stays whole.
    const full = script(`24k tmpfs ${mnt} && mkdir -p ${mnt}/out/development && echo old > ${mnt}/out/development/README.md && ${process.execPath} ${cli} --config ${config} --outdir ${mnt}/out; echo "exit=$?"; cat ${mnt}/out/development/README.md`);
    expect(full.stdout).toMatch(/exit=2\nold\n$/);
    expect(full.stderr).toMatch(/: no space left on the device \(ENOSPC, write\); free some space and run it again/);
    expect(full.stderr.trim().split('\n')).toHaveLength(1);
    // EBUSY: the outdir itself is the mount point, which cannot be renamed away.
    const busy = script(`1m tmpfs ${mnt} && ${process.execPath} ${cli} --config ${config} --outdir ${mnt}; echo "exit=$?"`);
    expect(busy.stdout).toMatch(/exit=2\n$/);
    expect(busy.stderr).toMatch(/it is busy \(a mount point, or in use\) \(EBUSY, rename\); choose a folder inside it/);
  });
});

describe('permissions, as an unprivileged user', () => {
  const asRoot = process.getuid?.() === 0;
  // Root reads and writes everywhere: run the command line as nobody (setpriv, util-linux).
  const asNobody = (args: string[]) => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.join(ROOT, 'build/main.js'), ...args], { cwd: '/', encoding: 'utf-8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  (asRoot ? test : test.skip)('fails if the outdir\'s parent is read-only or a stack file unreadable, in one line each', () => {
    const config = stackDir({ 'shop.yaml': STACK });
    fs.chmodSync(config, 0o755);
    fs.chmodSync(path.join(config, 'shop.yaml'), 0o644);
    const parent = tempDir();
    fs.chmodSync(parent, 0o555);
    expectOneLineRefusal(asNobody(['--config', config, '--outdir', path.join(parent, 'out')]), new RegExp(`${parent}.*: permission denied \\(EACCES, \\w+\\); give this user access to it, or choose another path`));
    fs.chmodSync(path.join(config, 'shop.yaml'), 0o600);
    expectOneLineRefusal(asNobody(['--config', config, '--outdir', path.join(tempDir(), 'out')]), /shop\.yaml: permission denied \(EACCES, open\)/);
  });
});

describe('one synth at a time per output folder', () => {
  test('fails if another synth holds the lock, naming its process; takes over a lock left by a killed run', async () => {
    const config = stackDir({ 'shop.yaml': STACK });
    const out = path.join(tempDir(), 'out');
    const sleeper = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(path.join(path.dirname(out), '.out.lock'), `${sleeper.pid}\n`);
      expectOneLineRefusal(runCli(['--config', config, '--outdir', out]), new RegExp(`another synth is writing ${out} \\(process ${sleeper.pid}\\)`));
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      sleeper.kill();
    }
    await new Promise((resolve) => sleeper.once('exit', resolve));
    const r = runCli(['--config', config, '--outdir', out]);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(path.dirname(out), '.out.lock'))).toBe(false);
  });

  test('concurrent synths into one folder never crash: each succeeds or says another synth is writing', async () => {
    const config = stackDir({ 'shop.yaml': STACK });
    const out = path.join(tempDir(), 'out');
    const runs = await Promise.all(Array.from({ length: 6 }, () => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'build/main.js'), '--config', config, '--outdir', out], { cwd: ROOT });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('exit', (code) => resolve({ code, stderr }));
    })));
    for (const r of runs) {
      if (r.code !== 0) expectOneLineRefusal(r, /another synth is writing/);
    }
    expect(runs.some((r) => r.code === 0)).toBe(true);
    expect(Object.keys(readTree(out)).sort()).toEqual(['development/README.md', 'development/kustomization.yaml', 'development/shop.k8s.yaml']);
  });
});

describe('the output folder', () => {
  test('a symbolic link as --outdir is followed: the folder it points to gets the render, the link stays', () => {
    const config = stackDir({ 'shop.yaml': STACK });
    const base = tempDir();
    fs.mkdirSync(path.join(base, 'real'));
    fs.symlinkSync('real', path.join(base, 'link'));
    expect(runCli(['--config', config, '--outdir', path.join(base, 'link')]).code).toBe(0);
    expect(fs.lstatSync(path.join(base, 'link')).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(path.join(base, 'real', 'development', 'shop.k8s.yaml'))).toBe(true);
    fs.symlinkSync('nowhere', path.join(base, 'dangling'));
    expectOneLineRefusal(runCli(['--config', config, '--outdir', path.join(base, 'dangling')]), /is a symbolic link to nowhere, which does not exist/);
  });

  test('a new render keeps the modes of the previous one', () => {
    const config = stackDir({ 'shop.yaml': STACK });
    const out = path.join(tempDir(), 'out');
    expect(runCli(['--config', config, '--outdir', out]).code).toBe(0);
    fs.chmodSync(out, 0o700);
    fs.chmodSync(path.join(out, 'development', 'shop.k8s.yaml'), 0o600);
    expect(runCli(['--config', config, '--outdir', out]).code).toBe(0);
    expect(fs.statSync(out).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(out, 'development', 'shop.k8s.yaml')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(out, 'development', 'README.md')).mode & 0o777).toBe(0o644);
  });

  test('text any YAML 1.1 or 1.2 reader would take for a number or boolean is quoted (js-yaml and kubectl kustomize)', () => {
    const values = ['0o17', '0X1F', '0B11', '+0o17', '0o7_7', '1e3', '1:20', '.5', '0x_1F', 'y', 'No', '~', '2001-12-14', '.inf', '-.NaN', '1_000', '017', 'plain', 'v1.2.3'];
    const env = Object.fromEntries(values.map((v, i) => [`V${i}`, v]));
    const labels = Object.fromEntries(values.filter((v) => /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(v)).map((v, i) => [`l${i}`, v]));
    const config = stackDir({ 'shop.yaml': yaml.dump({ name: 'shop', labels, web: { image: 'ghcr.io/acme/shop:1.4.2', framework: 'flask', env } }) });
    const out = path.join(tempDir(), 'out');
    expect(runCli(['--config', config, '--outdir', out]).stderr).toBe('');
    const read = (text: string) => yaml.loadAll(text) as any[];
    const check = (objects: any[]) => {
      const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'shop-web-env');
      for (const [k, v] of Object.entries(env)) expect([k, cm.data[k]]).toEqual([k, v]);
      const ns = objects.find((o) => o.kind === 'Namespace');
      for (const [k, v] of Object.entries(labels)) expect([k, ns.metadata.labels[k]]).toEqual([k, v]);
    };
    check(read(fs.readFileSync(path.join(out, 'development', 'shop.k8s.yaml'), 'utf-8')));
    const built = spawnSync('kubectl', ['kustomize', path.join(out, 'development')], { encoding: 'utf-8' });
    expect(built.stderr).toBe('');
    check(read(built.stdout));
  });
});
