import { describe, expect, it } from 'vitest';
import { folderChoices, serverFolderName, uriFolderPath, uriServer } from '../../src/modules/folder-names.js';

describe('folder names: Thunderbird path to the server full name', () => {
  it('joins the path with the server separator', () => {
    expect(serverFolderName('/INBOX', '.')).toBe('INBOX');
    expect(serverFolderName('/Clients/Example', '.')).toBe('Clients.Example');
    expect(serverFolderName('/Clients/Example', '/')).toBe('Clients/Example');
    expect(serverFolderName('/INBOX/Ärger & Co', '.')).toBe('INBOX.Ärger & Co');
    expect(serverFolderName('/', '.')).toBeNull();
    expect(serverFolderName('/a//b', '.')).toBeNull();
  });

  it('reads a filter target URI as a path, escapes decoded, and names its server', () => {
    expect(uriFolderPath('imap://user%40example.com@mail.example.com/Clients/%C3%84rger%20%26%20Co')).toBe('/Clients/Ärger & Co');
    expect(uriFolderPath('not a uri')).toBeNull();
    expect(uriFolderPath('imap://u@h/%E0%A4%A')).toBeNull();
    expect(uriServer('imap://user%40example.com@Mail.Example.com/INBOX')).toBe('imap://user%40example.com@mail.example.com');
    expect(uriServer('mailbox://nobody@Local%20Folders/Trash')).toBe('mailbox://nobody@local%20folders');
  });

  it('lists choices with their depth in tree order, without the root', () => {
    expect(folderChoices(['/', '/INBOX', '/Clients', '/Clients/Example'], '.')).toEqual([
      { name: 'INBOX', path: '/INBOX', depth: 0 },
      { name: 'Clients', path: '/Clients', depth: 0 },
      { name: 'Clients.Example', path: '/Clients/Example', depth: 1 },
    ]);
  });
});
