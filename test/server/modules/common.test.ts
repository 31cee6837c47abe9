// What all reference modules share: the command line of PROTOCOL.md §5, the
// state directory, the lock, failure handling, and the files themselves.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  inDovecot, MODULES, moduleEnv, newHome, readState, run, sieveConfig, sieveScript, stateFile, tempDir,
} from './run.js';

const ALL = ['blacklist', 'whitelist', 'forwardmail', 'vacation', 'changepassword', 'spam'];

describe('module files', () => {
  const files = [...ALL.map((m) => `${m}.sh`), ...fs.readdirSync(path.join(MODULES, 'lib')).map((f) => `lib/${f}`)];

  it.each(files)('%s parses with sh -n and has at most 400 lines', (f) => {
    const p = path.join(MODULES, f);
    expect(spawnSync('sh', ['-n', p]).status).toBe(0);
    expect(fs.readFileSync(p, 'utf8').split('\n').length).toBeLessThanOrEqual(400);
  });

  it.each(ALL)('%s.sh is executable, starts with #!/bin/sh and set -eu', (m) => {
    const p = path.join(MODULES, `${m}.sh`);
    expect(fs.statSync(p).mode & 0o111).toBe(0o111);
    const text = fs.readFileSync(p, 'utf8');
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(text).toMatch(/^set -eu$/m);
  });

  it('runs when executed directly (no sh in front) and through a symlink', () => {
    const home = newHome();
    const d = tempDir('xexec-link-');
    const link = path.join(d, 'bl');
    fs.symlinkSync(path.join(MODULES, 'blacklist.sh'), link);
    for (const exe of [path.join(MODULES, 'blacklist.sh'), link]) {
      const env = moduleEnv('u@example.org', 'blacklist', { home });
      const r = spawnSync(...inDovecot(exe, ['u@example.org', 'add', 'x@a.bc'], '/', env), { env });
      expect(r.stderr.toString()).toBe('');
      expect(r.status).toBe(0);
    }
    expect(readState(home, 'blacklist')).toBe('x@a.bc\n');
  });
});

describe('command line', () => {
  it('user names with spaces and quotes are one word', () => {
    for (const user of ['o\'brien "the boss" smith', ' lead space', 'semi;colon$(id)`id`', '-n']) {
      const home = newHome();
      const r = run('blacklist', user, ['add', 'x@a.bc'], { home });
      expect(r.stderr).toBe('');
      expect(r.lines).toEqual(['added x@a.bc']);
      expect(run('vacation', user, ['set', 'body=hi'], { home }).status).toBe(0);
    }
  });

  it('a user name that looks like an option is the user when it equals XEXEC_USER', () => {
    const home = newHome();
    const r = run('blacklist', '--help=1', ['list'], { home });
    expect(r.status).toBe(0);
    // Without that hint it would be an (unknown) option; `--` ends options.
    const r2 = run('blacklist', '--help=1', ['list'], { home, env: { XEXEC_USER: 'someone-else' } });
    expect(r2.status).toBe(2);
    expect(r2.message).toMatch(/Unknown module option --help/);
    const r3 = run('blacklist', '--help=1', ['list'], { home, options: ['--'], env: { XEXEC_USER: 'x' } });
    expect(r3.status).toBe(0);
    // Even a user called "--" is the user, not the end of the options.
    const r4 = run('blacklist', '--', ['add', 'x@a.bc'], { home });
    expect(r4.lines).toEqual(['added x@a.bc']);
  });

  it('unknown administrator options are exit 2', () => {
    for (const m of ['blacklist', 'forwardmail', 'vacation']) {
      const r = run(m, 'u', ['show'], { home: newHome(), options: ['--frob=1'] });
      expect(r.status).toBe(2);
      expect(r.message).toBe('Unknown module option --frob (server configuration error)');
    }
  });

  it('client arguments that look like options or code are data', () => {
    const home = newHome();
    let r = run('blacklist', 'u', ['add', '--help', '-n'], { home });
    expect(r.status).toBe(2);
    expect(r.message).toBe("'--help' is not a valid address or @domain entry; nothing was changed");
    r = run('vacation', 'u', ['set', 'body=-n', 'subject=-e \\c %s'], { home });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['status on', 'subject -e \\c %s', 'days 7', 'body -n']);
    r = run('forwardmail', 'u', ['set', '-x@a.bc'], { home });
    expect(r.lines).toEqual(['status on', 'address -x@a.bc', 'keepcopy no']);
  });

  it('a missing user word is a usage error', () => {
    const env = moduleEnv('u', 'blacklist', { home: newHome() });
    const r = spawnSync(...inDovecot('sh', [path.join(MODULES, 'blacklist.sh')], '/', env), { env });
    expect(r.status).toBe(2);
    const e = run('blacklist', '', ['list'], { home: newHome() });
    expect(e.status).toBe(2);
    expect(e.message).toMatch(/No user name/);
  });
});

describe('state directory', () => {
  it('without a home directory, reads show defaults and changes fail with exit 1', () => {
    for (const home of [null, '', 'relative/dir']) {
      const o = home === null ? { home: null } : { home: '/', env: { HOME: home } };
      expect(run('blacklist', 'u', ['list'], o).status).toBe(0);
      expect(run('vacation', 'u', ['show'], o).lines).toEqual(['status off', 'subject ', 'days 7']);
      const r = run('blacklist', 'u', ['add', 'x@a.bc'], o);
      expect(r.status).toBe(1);
      expect(r.message).toBe('This account has no home directory, so its settings cannot be stored');
    }
  });

  it('leaves nothing behind but state, lock and script', () => {
    const home = newHome();
    run('blacklist', 'u', ['add', 'x@a.bc'], { home });
    run('whitelist', 'u', ['add', 'y@a.bc'], { home });
    run('vacation', 'u', ['set', 'body=hi'], { home });
    run('forwardmail', 'u', ['set', 'z@a.bc'], { home });
    run('blacklist', 'u', ['add', 'bad'], { home });
    expect(fs.readdirSync(stateFile(home, '')).sort())
      .toEqual(['.lock', 'blacklist', 'forward', 'vacation', 'whitelist', 'xexec.sieve', 'xexec.svbin']);
  });

  it('when sievec fails, nothing changes and the module exits 1', () => {
    const home = newHome();
    expect(run('blacklist', 'u', ['add', 'x@a.bc'], { home }).status).toBe(0);
    const before = readState(home, 'blacklist');
    const sieve = sieveScript(home);
    const bin = tempDir('xexec-badsievec-');
    fs.writeFileSync(path.join(bin, 'sievec'), '#!/bin/sh\necho "sievec: Fatal: broken" >&2\nexit 1\n', { mode: 0o755 });
    const r = run('blacklist', 'u', ['add', 'y@a.bc'], { home, env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.message).toBe('The mail filter could not be compiled; nothing was changed');
    expect(readState(home, 'blacklist')).toBe(before);
    expect(sieveScript(home)).toBe(sieve);
    expect(fs.readdirSync(stateFile(home, '')).sort()).toEqual(['.lock', 'blacklist', 'xexec.sieve', 'xexec.svbin']);
  });

  it('an unexpected failure of a tool is exit 1 with a sentence, not exit 2', () => {
    const home = newHome();
    expect(run('forwardmail', 'u', ['set', 'z@a.bc'], { home }).status).toBe(0);
    const bin = tempDir('xexec-badsed-');
    fs.writeFileSync(path.join(bin, 'sed'), '#!/bin/sh\nexit 4\n', { mode: 0o755 });
    const r = run('forwardmail', 'u', ['show'], { home, env: { PATH: `${bin}:/usr/bin:/bin` } });
    expect(r.status).toBe(1);
    expect(r.message).toBe('The command failed because of an unexpected error on the server');
  });

  it('concurrent changes are serialized by the lock: none is lost', async () => {
    const home = newHome();
    const n = 12;
    const runs = Array.from({ length: n }, (_, i) => new Promise<number | null>((resolve) => {
      const m = i % 3 === 0 ? 'whitelist' : 'blacklist';
      const env = moduleEnv('u', m, { home });
      const p = spawn(...inDovecot('sh', [path.join(MODULES, `${m}.sh`), 'u', 'add', `user${i}@a.bc`], '/', env),
        { env, stdio: 'ignore' });
      p.on('exit', (code) => resolve(code));
    }));
    expect(await Promise.all(runs)).toEqual(Array(n).fill(0));
    const all = [...readState(home, 'blacklist')!.split('\n'), ...readState(home, 'whitelist')!.split('\n')];
    expect(all.filter((l) => l !== '').sort()).toEqual(Array.from({ length: n }, (_, i) => `user${i}@a.bc`).sort());
    for (let i = 0; i < n; i++) expect(sieveScript(home)).toContain(`"user${i}@a.bc"`);
  }, 60_000);

  it('gives up after about 10 s when another session holds the lock', async () => {
    const home = newHome();
    expect(run('blacklist', 'u', ['add', 'x@a.bc'], { home }).status).toBe(0);
    const lock = stateFile(home, '.lock');
    const holder = spawn('flock', [lock, 'sleep', '30'], { stdio: 'ignore', detached: true });
    for (let i = 0; i < 100 && spawnSync('flock', ['-n', lock, 'true']).status === 0; i++) {
      await new Promise((res) => setTimeout(res, 20));
    }
    const t = Date.now();
    const r = run('blacklist', 'u', ['add', 'y@a.bc'], { home });
    const waited = Date.now() - t;
    process.kill(-holder.pid!, 'SIGTERM'); // flock and its sleep
    expect(r.status).toBe(1);
    expect(r.message).toBe('Your settings are being changed by another session; please try again in a moment');
    expect(waited).toBeGreaterThan(9000);
    expect(readState(home, 'blacklist')).toBe('x@a.bc\n');
    // Reading needs no lock.
    expect(run('blacklist', 'u', ['list'], { home }).lines).toEqual(['x@a.bc']);
  }, 30_000);
});

describe('--dovecot-config', () => {
  it('makes sievec check the script against that configuration', () => {
    const tiny = path.join(tempDir('xexec-tinyconf-'), 'dovecot.conf');
    fs.chmodSync(path.dirname(tiny), 0o755);
    fs.writeFileSync(tiny, fs.readFileSync(sieveConfig(), 'utf8').replace(/sieve_max_script_size = \S+/, 'sieve_max_script_size = 200'));
    const entries = Array.from({ length: 20 }, (_, i) => `sender${i}@example.org`);
    const refused = run('blacklist', 'u', ['add', ...entries], { home: newHome(), options: [`--dovecot-config=${tiny}`] });
    expect(refused.status).toBe(1);
    expect(refused.message).toMatch(/Sieve size limit/);
    const home = newHome();
    const accepted = run('blacklist', 'u', ['add', ...entries], { home, options: [`--dovecot-config=${sieveConfig()}`] });
    expect(accepted.status).toBe(0);
    expect((readState(home, 'blacklist') ?? '').split('\n').filter(Boolean)).toHaveLength(20);
  });
});
