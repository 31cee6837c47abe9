// Issue 9, "Errors in logs": a module that cannot be started is answered
// NO [XEXEC-UNAVAILABLE] and the server log says which program failed and
// why, with the errno of the step that failed (exec, here).
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { USERS, waitFor, type ModuleEntry } from './fixture/index.js';
import { expectNoop, itStopsCleanly, useServer, xexec } from './helpers.js';
import { ownFile } from './hardening/stage.js';

const paths: Record<string, string> = {};

const server = useServer({
  modules: (dir: string): ModuleEntry[] => {
    paths.missing = '/nonexistent/xexec-module';
    paths.noexec = ownFile(dir, 'noexec.sh', '#!/bin/sh\necho hi\n', 0o644);
    paths.badinterp = ownFile(dir, 'badinterp.sh', '#!/nonexistent/interpreter\necho hi\n', 0o755);
    paths.garbage = ownFile(dir, 'garbage.bin', Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0]), 0o755);
    paths.directory = path.join(dir, 'bin', 'hardening');
    return Object.entries(paths).map(([name, p]) => ({ name, command: `${p} %u` }));
  },
});

const EXPECTED: Record<string, RegExp> = {
  missing: /: No such file or directory \(ENOENT\)$/,
  noexec: /: Permission denied \(EACCES\)$/,
  directory: /: Permission denied \(EACCES\)$/,
  garbage: /: Exec format error \(ENOEXEC\)$/,
  badinterp: /: No such file or directory \(ENOENT\): the file exists, so its #! interpreter is missing$/,
};

describe('a module that cannot be started (issue 9, errors in logs)', () => {
  it.each(Object.keys(EXPECTED))('%s: NO [XEXEC-UNAVAILABLE]; the log names the module, the path and the errno', async (name) => {
    const c = await server().login(USERS.dave);
    const r = await xexec(c, `XEXEC ${name} arg`);
    if (name === 'badinterp' && server().valgrind) {
      // Valgrind's own execve() checks the file, passes the point of no
      // return and only then fails: its child exits 101 after exec "worked".
      expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 101 });
      await c.logout();
      return;
    }
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-UNAVAILABLE', message: `Module ${name} is not available` });
    await expectNoop(c);
    await c.logout();
    const prefix = `xexec: module ${name}: Cannot run ${paths[name]}`;
    const line = await waitFor(`the log line for ${name}`, () =>
      server().readLog().split('\n').find((l) => l.includes(prefix)));
    expect(line.slice(line.indexOf(prefix) + prefix.length)).toMatch(EXPECTED[name]!);
  });
});

itStopsCleanly(server);
