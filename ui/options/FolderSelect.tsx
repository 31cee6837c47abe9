/**
 * A folder of the account, from Thunderbird's own folder tree (folders.list): the tree shown by
 * indentation, the value the server's full name (PROTOCOL.md §6.7). A stored name the tree does
 * not have (a folder the rule will create) stays choosable.
 */

import type { FolderChoice } from '../../src/modules/folder-names.js';
import { t } from '../shared/i18n.js';

export interface FolderSelectProps {
  readonly id: string;
  /** The control's name for assistive technology (it sits beside its action's checkbox). */
  readonly label: string;
  readonly value: string;
  /** null while the folders are being read. */
  readonly folders: readonly FolderChoice[] | null;
  readonly onChange: (name: string) => void;
  readonly describedBy?: string;
  readonly invalid?: boolean;
}

export function FolderSelect({ id, label, value, folders, onChange, describedBy, invalid }: FolderSelectProps) {
  const known = folders?.some((f) => f.name === value) ?? false;
  return (
    <select id={id} aria-label={label} value={value} aria-describedby={describedBy} aria-invalid={invalid === true ? 'true' : undefined} aria-busy={folders === null ? 'true' : undefined} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="" disabled>{t(folders === null ? 'rulesFoldersReading' : 'rulesFolderChoose')}</option>
      {!known && value !== '' && <option value={value}>{value}</option>}
      {(folders ?? []).map((f) => (
        <option key={f.name} value={f.name}>
          {'\u00a0\u00a0'.repeat(f.depth)}{f.label}
        </option>
      ))}
    </select>
  );
}
