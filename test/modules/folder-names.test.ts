import { describe, expect, it } from 'vitest';
import { decodeMutf7, folderChoices, serverFolderName, uriFolderPath, uriServer } from '../../src/modules/folder-names.js';

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
      { name: 'INBOX', path: '/INBOX', depth: 0, label: 'INBOX' },
      { name: 'Clients', path: '/Clients', depth: 0, label: 'Clients' },
      { name: 'Clients.Example', path: '/Clients/Example', depth: 1, label: 'Example' },
    ]);
  });

  it('decodes the modified UTF-7 that Thunderbird keeps in IMAP paths', () => {
    expect(decodeMutf7('&AMQ-rger &- Co')).toBe('Ärger & Co');
    expect(decodeMutf7('&ZeVnLIqe-')).toBe('日本語');
    expect(decodeMutf7('&2D3eAA-')).toBe('\u{1F600}');
    expect(decodeMutf7('R&D')).toBeNull();
    expect(decodeMutf7('&AMQ')).toBeNull();
    expect(decodeMutf7('&A*Q-')).toBeNull();
    expect(serverFolderName('/&AMQ-rger &- Co/Unter', '.')).toBe('Ärger & Co.Unter');
    // A name Thunderbird already has in UTF-8 stays as it is.
    expect(serverFolderName('/R&D/Ärger', '/')).toBe('R&D/Ärger');
    expect(folderChoices(['/&AMQ-rger &- Co'], '.')).toEqual([{ name: 'Ärger & Co', path: '/&AMQ-rger &- Co', depth: 0, label: 'Ärger & Co' }]);
  });
});
