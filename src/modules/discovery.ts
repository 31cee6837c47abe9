/** `.modules`, the built-in discovery (PROTOCOL.md §2). */

import type { XexecRequest } from '../protocol/command.js';
import type { XexecReply } from '../protocol/data-line.js';
import { DISCOVERY_MODULE, isModuleName, sameModule } from '../protocol/module-name.js';
import { err, ok, type Result } from '../protocol/result.js';
import { checkModule, type ReplyError } from './reply.js';

export function modulesRequest(): XexecRequest {
  return { module: DISCOVERY_MODULE, args: [] };
}

/**
 * The module names configured for this user, in configuration order. The server lists only
 * names of the §2 grammar, so anything else means the reply is not what it claims to be.
 */
export function parseModulesReply(reply: XexecReply): Result<string[], ReplyError> {
  const lines = checkModule(reply, DISCOVERY_MODULE);
  if (!lines.ok) return lines;
  const names: string[] = [];
  for (let i = 0; i < lines.value.length; i++) {
    const line = lines.value[i];
    if (line === undefined) continue;
    if (typeof line !== 'string') return err({ kind: 'not-text', line: i, message: `Line ${i + 1} is not valid UTF-8` });
    if (!isModuleName(line)) {
      return err({
        kind: 'bad-value',
        key: 'module',
        value: line,
        line: i,
        message: `Line ${i + 1}: ${JSON.stringify(line)} is not a module name`,
      });
    }
    names.push(line);
  }
  return ok(names);
}

/** Whether discovery offers `module`; names match case-insensitively, as on the server. */
export function offers(modules: readonly string[], module: string): boolean {
  return modules.some((name) => sameModule(name, module));
}
