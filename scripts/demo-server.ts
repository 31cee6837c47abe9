// `npm run demo:server`: the server alone, without Thunderbird. A throwaway Dovecot
// with the XEXEC plugin and the reference modules (demo-setup.ts, as `npm start`
// uses it), a scripted session that shows XEXEC at work, then the server stays
// up for you to try by hand until Ctrl-C.
import { startPostOffice } from './demo-mail.js';
import { DEMO_ADDRESSES, DEMO_USER, startDemoServer } from './demo-setup.js';

const user = DEMO_USER;

function show(prefix: string, lines: Buffer[]): void {
  for (const line of lines) console.log(`${prefix}${line.toString('utf8')}`);
}

async function main(): Promise<void> {
  console.log('Starting a throwaway Dovecot with the XEXEC plugin...');
  const server = await startDemoServer();
  // Mail the server sends to a demo user (vacation replies, forwards, submit) is delivered to them.
  const office = startPostOffice(server, DEMO_ADDRESSES, (line) => console.log(`[mail] ${line}`));
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    office.stop();
    console.log('\nStopping the demo server and removing its files...');
    await server.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const password = server.passwords[user]!;
    const client = await server.login(user, password);
    console.log(`\nLogged in as ${user} on 127.0.0.1:${server.imapPort}. A session:\n`);
    const run = async (command: string) => {
      console.log(`C: ${command}`);
      const r = await client.command(command);
      show('S: ', r.untagged);
      console.log(`S: ${r.tagged.toString('utf8')}\n`);
    };
    await run('XEXEC .modules');
    await run('XEXEC blacklist add spam@example.org @junk.example');
    await run('XEXEC blacklist list');
    await run('XEXEC vacation set subject=Away "body=Back on Monday."');
    await run('XEXEC forwardmail show');
    await run('XEXEC nosuchmodule');

    await server.deliver({ from: 'friend@example.net', to: user, subject: 'Lunch?' });
    await server.deliver({ from: 'spam@example.org', to: user, subject: 'You won' });
    const counts = server.counts(user);
    const replies = server.captured();
    console.log(`Delivered two messages by LMTP: INBOX has ${counts.inbox}, Junk has ${counts.junk} ` +
      `(the blocked sender), and ${replies.length} vacation ${replies.length === 1 ? 'reply was' : 'replies were'} sent.`);
    await client.logout();

    console.log(`
The server keeps running. Try it by hand (the demo users and their passwords are in
${server.passwdFile}; passwords are never printed):
  nc 127.0.0.1 ${server.imapPort}
  a LOGIN ${user} <password>
  b XEXEC blacklist list
Press Ctrl-C to stop it.`);
  } catch (error) {
    console.error(error);
    await stop(1);
  }
}

void main();
