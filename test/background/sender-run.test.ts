// Block/allow and Undo (src/background/sender-run.ts) against an in-memory server (the lists, with
// the list modules' added/exists/removed/absent answers) and an in-memory Thunderbird (folders,
// messages, junk flags): what reaches the lists, which messages move, what the window says.
import { describe, expect, it } from 'vitest';
import { userError } from '../../src/messages/errors.js';
import type { BackgroundResponse, RequestOf, RequestType } from '../../src/messages/messages.js';
import type { MailFolder, MessageHeader } from '../../src/background/sender-apis.js';
import { canUndo, junkFolder, runAction, undoAction, type Ask, type RunDeps } from '../../src/background/sender-run.js';
import { translate } from './fakes.js';

const INBOX: MailFolder = { id: 'inbox', accountId: 'a1', name: 'Inbox', path: '/INBOX', specialUse: ['inbox'] };

function world(options: { junk?: boolean; readOnly?: boolean; failList?: string } = {}) {
  const lists = { blacklist: new Set<string>(), whitelist: new Set<string>() };
  const folders: MailFolder[] = [INBOX];
  if (options.junk !== false) folders.push({ id: 'junk', accountId: 'a1', name: 'Junk', path: '/Junk', specialUse: ['junk'] });
  let nextId = 100;
  const messages: (MessageHeader & { folderId: string; junkFlag: boolean })[] = [];
  const sent: string[] = [];
  const ask = (async (request: RequestOf<RequestType>): Promise<BackgroundResponse> => {
    if (request.type !== 'list.add' && request.type !== 'list.del') throw new Error(`unexpected ${request.type}`);
    sent.push(`${request.type} ${request.list} ${request.entries.join(' ')}`);
    if (options.failList === request.list) return { ok: false, error: userError('server', 'The server refused: disk full') };
    const list = lists[request.list];
    const changes = request.entries.map((entry) => {
      if (request.type === 'list.add') return { entry, outcome: list.has(entry) ? 'exists' : (list.add(entry), 'added') };
      return { entry, outcome: list.delete(entry) ? 'removed' : 'absent' };
    });
    return { ok: true, value: { changes } } as BackgroundResponse;
  }) as Ask;
  const folder = (id: string) => folders.find((f) => f.id === id)!;
  const deps: RunDeps = {
    ask,
    t: translate,
    markingJunk: new Map(),
    apis: {
      folders: {
        query: async (q) => folders.filter((f) => (q.specialUse === undefined || q.specialUse.every((u) => f.specialUse?.includes(u))) && (q.name === undefined || f.name === q.name)),
        create: async (_parent, name) => {
          const created = { id: `new-${name}`, accountId: 'a1', name, path: `/${name}` };
          folders.push(created);
          return created;
        },
        getFolderCapabilities: async () => ({ canDeleteMessages: options.readOnly !== true }),
      },
      accounts: { get: async (id) => ({ id, type: 'imap', rootFolder: { id: 'root', accountId: id } }) },
      messages: {
        continueList: async () => ({ id: null, messages: [] }),
        update: async (id, props) => {
          const m = messages.find((x) => x.id === id)!;
          if (props.junk !== undefined) m.junkFlag = props.junk;
        },
        move: async (ids, to) => {
          for (const id of ids) {
            const m = messages.find((x) => x.id === id)!;
            // A move makes a new message id, as IMAP does.
            Object.assign(m, { id: nextId++, folderId: to, folder: folder(to) });
          }
        },
        query: async (q) => ({ id: null, messages: messages.filter((m) => m.folderId === q.folderId && m.headerMessageId === q.headerMessageId) }),
        onUpdated: { addListener: () => undefined },
      },
    },
  };
  const deliver = (author: string): MessageHeader => {
    const m = { id: nextId++, author, headerMessageId: `m${nextId}@example.org`, folder: INBOX, folderId: 'inbox', junkFlag: false };
    messages.push(m);
    return m;
  };
  const where = () => messages.map((m) => `${m.author}:${m.folderId}${m.junkFlag ? ':junk' : ''}`);
  return { lists, folders, deps, deliver, where, sent };
}

describe('Block', () => {
  it('adds to the block list, marks the messages as junk, moves them to Junk; Undo takes back both', async () => {
    const w = world();
    const a = w.deliver('pest@spam.example');
    const b = w.deliver('PEST@spam.example');
    const record = await runAction(w.deps, 'r1', 'a1', 'block', ['pest@spam.example'], [a, b]);
    expect(record.lines).toEqual(['Added to the block list: pest@spam.example.', 'Messages moved to Junk: 2.']);
    expect([...w.lists.blacklist]).toEqual(['pest@spam.example']);
    expect(w.where()).toEqual(['pest@spam.example:junk:junk', 'PEST@spam.example:junk:junk']);
    // Its own junk marks, by Message-ID, are not asked about by the junk opt-in.
    expect([...w.deps.markingJunk.keys()]).toEqual([a.headerMessageId, b.headerMessageId]);
    expect(canUndo(record)).toBe(true);
    const undone = await undoAction(w.deps, record);
    expect(undone).toEqual({ ok: true, lines: ['Removed from the block list again: pest@spam.example.', 'Messages put back: 2.'] });
    expect([...w.lists.blacklist]).toEqual([]);
    expect(w.where()).toEqual(['pest@spam.example:inbox', 'PEST@spam.example:inbox']);
  });

  it('an entry already there: no second entry, said so; Undo leaves it and only moves the message back', async () => {
    const w = world();
    w.lists.blacklist.add('pest@spam.example');
    const record = await runAction(w.deps, 'r1', 'a1', 'block', ['pest@spam.example', 'new@spam.example'], [w.deliver('pest@spam.example')]);
    expect(record.lines).toEqual([
      'Added to the block list: new@spam.example.',
      'Already in the block list (no second entry): pest@spam.example.',
      'Messages moved to Junk: 1.',
    ]);
    await undoAction(w.deps, record);
    expect([...w.lists.blacklist]).toEqual(['pest@spam.example']);
    expect(w.sent.at(-1)).toBe('list.del blacklist new@spam.example');
  });

  it('no Junk folder: one is made, the messages go there', async () => {
    const w = world({ junk: false });
    const record = await runAction(w.deps, 'r1', 'a1', 'block', ['pest@spam.example'], [w.deliver('pest@spam.example')]);
    expect(w.folders.map((f) => f.path)).toEqual(['/INBOX', '/Junk']);
    expect(w.where()).toEqual(['pest@spam.example:new-Junk:junk']);
    expect(record.moved).toHaveLength(1);
    expect(await junkFolder(w.deps.apis, 'a1')).toMatchObject({ id: 'new-Junk' });
  });

  it('the server fails: nothing moves, the window says why, nothing to undo', async () => {
    const w = world({ failList: 'blacklist' });
    const record = await runAction(w.deps, 'r1', 'a1', 'block', ['pest@spam.example'], [w.deliver('pest@spam.example')]);
    expect(record.failed).toBe(true);
    expect(record.lines).toEqual(['Nothing was changed, the messages stay where they are: The server refused: disk full']);
    expect(w.where()).toEqual(['pest@spam.example:inbox']);
    expect(canUndo(record)).toBe(false);
  });

  it('a read-only folder: the entry is added, the message stays and the window says why', async () => {
    const w = world({ readOnly: true });
    const record = await runAction(w.deps, 'r1', 'a1', 'block', ['pest@spam.example'], [w.deliver('pest@spam.example')]);
    expect(record.lines).toEqual(['Added to the block list: pest@spam.example.', 'The messages stay in “Inbox”: messages cannot be moved out of it.']);
    expect(w.where()).toEqual(['pest@spam.example:inbox']);
    expect(record.moved).toEqual([]);
  });
});

describe('Allow', () => {
  it('adds to the allow list and takes the sender off the block list, saying so; Undo restores both', async () => {
    const w = world();
    w.lists.blacklist.add('pest@spam.example');
    const record = await runAction(w.deps, 'r1', 'a1', 'allow', ['pest@spam.example'], [w.deliver('pest@spam.example')]);
    expect(record.lines).toEqual(['Added to the allow list: pest@spam.example.', 'Taken off the block list: pest@spam.example.']);
    expect([...w.lists.whitelist]).toEqual(['pest@spam.example']);
    expect([...w.lists.blacklist]).toEqual([]);
    expect(w.where()).toEqual(['pest@spam.example:inbox']);
    expect((await undoAction(w.deps, record)).lines).toEqual(['Removed from the allow list again: pest@spam.example.', 'Back on the block list: pest@spam.example.']);
    expect([...w.lists.whitelist]).toEqual([]);
    expect([...w.lists.blacklist]).toEqual(['pest@spam.example']);
  });

  it('a server without the block list (or a policy hiding it): only the allow list is changed', async () => {
    const w = world();
    const record = await runAction(w.deps, 'r1', 'a1', 'allow', ['pest@spam.example'], [], false);
    expect(w.sent).toEqual(['list.add whitelist pest@spam.example']);
    expect(record.lines).toEqual(['Added to the allow list: pest@spam.example.']);
  });

  it('a sender already allowed and never blocked: nothing to undo', async () => {
    const w = world();
    w.lists.whitelist.add('@spam.example');
    const record = await runAction(w.deps, 'r1', 'a1', 'allow-domain', ['@spam.example'], []);
    expect(record.lines).toEqual(['Already in the allow list (no second entry): @spam.example.']);
    expect(canUndo(record)).toBe(false);
  });
});
