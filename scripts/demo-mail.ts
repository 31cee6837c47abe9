// The demo's post office. The demo server's modules hand outgoing mail to a sendmail that
// only keeps it (the fixture's capture folder): mail sent through the Sending panel, vacation
// replies, forwards, alert codes. A demo without a mail system would show none of it
// arriving, so this delivers the part addressed to the demo's own users to their mailboxes
// over the server's LMTP, as a real MTA would. Mail for anyone else stays in the capture.
import type { TestServer } from '../test/support/harness.js';

/** Every pass through the post office adds this header; a message that has it MAX_HOPS times is
 *  not delivered again, so two users forwarding to each other cannot loop forever. */
export const HOP_HEADER = 'X-XEXEC-Demo-Hop';
export const MAX_HOPS = 5;

export interface Outgoing {
  sender: string;
  recipients: readonly string[];
  data: string;
}

export type Decision =
  | { readonly deliver: true; readonly to: string[]; readonly raw: string; readonly elsewhere: string[] }
  | { readonly deliver: false; readonly why: string };

function hops(data: string): number {
  const head = data.split(/\r?\n\r?\n/, 1)[0] ?? '';
  return head.split(/\r?\n/).filter((line) => line.toLowerCase().startsWith(HOP_HEADER.toLowerCase() + ':')).length;
}

/** What to do with one captured message: which recipients are the demo's users, and the text to deliver. */
export function decide(m: Outgoing, localUsers: readonly string[]): Decision {
  const local = new Set(localUsers.map((u) => u.toLowerCase()));
  const to = m.recipients.filter((r) => local.has(r.toLowerCase()));
  const elsewhere = m.recipients.filter((r) => !local.has(r.toLowerCase()));
  if (to.length === 0) return { deliver: false, why: `not for a demo user (${elsewhere.join(', ') || 'no recipient'}); kept in the capture` };
  const seen = hops(m.data);
  if (seen >= MAX_HOPS) return { deliver: false, why: `passed the post office ${seen} times already (a forwarding loop?); kept in the capture` };
  return { deliver: true, to, raw: `${HOP_HEADER}: ${seen + 1}\r\n${m.data}`, elsewhere };
}

export interface PostOffice {
  /** Delivers what arrived since the last pass; resolves when it is delivered. */
  pass(): Promise<void>;
  stop(): void;
}

/** Watches the server's capture every `everyMs` and delivers; `say` reports each message's fate. */
export function startPostOffice(server: TestServer, localUsers: readonly string[], say: (line: string) => void, everyMs = 500): PostOffice {
  const done = new Set<string>();
  let running: Promise<void> = Promise.resolve();
  const once = async (): Promise<void> => {
    for (const m of server.captured()) {
      if (done.has(m.name)) continue;
      done.add(m.name);
      const d = decide(m, localUsers);
      if (!d.deliver) {
        say(`Mail from ${m.sender || '<>'}: ${d.why}.`);
        continue;
      }
      try {
        // Pigeonhole gives sendmail a null sender (vacation replies, alert codes) as "-f <>".
        await server.deliver({ from: m.sender === '<>' ? '' : m.sender, to: d.to, raw: d.raw });
        say(`Mail from ${m.sender || '<>'} delivered to ${d.to.join(', ')}${d.elsewhere.length ? ` (not to ${d.elsewhere.join(', ')}: not demo users)` : ''}.`);
      } catch (error) {
        say(`Mail from ${m.sender || '<>'} could not be delivered: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  // One pass at a time: a slow LMTP delivery must not let the next tick deliver the same file.
  const pass = (): Promise<void> => (running = running.then(once));
  const timer = setInterval(() => void pass(), everyMs);
  return { pass, stop: () => clearInterval(timer) };
}
