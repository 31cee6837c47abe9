/**
 * One of the add-on's own settings, kept in storage.local (where the background reads it too):
 * read when the component first shows, changed with `choose`, which stores the new value and puts
 * the old one back when storing fails. A choice made before the stored value arrived wins over it.
 */

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';

export function useStoredSetting<T>(key: string, read: (stored: unknown) => T, initial: T) {
  const [value, setValue] = useState<T>(initial);
  const current = useRef(value);
  current.current = value;
  const chosen = useRef(false);
  const readRef = useRef(read);
  readRef.current = read;

  useEffect(() => {
    void browser.storage.local.get(key).then((stored) => {
      if (!chosen.current) setValue(readRef.current(stored[key]));
    }, () => undefined);
  }, [key]);

  /** Shows and stores `next`; rejects, showing the value from before, when it cannot be stored. */
  const choose = useCallback(async (next: T): Promise<void> => {
    chosen.current = true;
    const before = current.current;
    setValue(next);
    try {
      await browser.storage.local.set({ [key]: next });
    } catch (e) {
      setValue(before);
      throw e;
    }
  }, [key]);

  return [value, choose] as const;
}
