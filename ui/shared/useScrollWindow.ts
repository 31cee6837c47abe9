/**
 * The rows of a long list that are in view, for lists that put only those (and a few around
 * them) in the DOM: every row is `rowEm` font-sizes tall (the style sheet makes it so), the list
 * scrolls in its own box, and the box's scroll position picks the window. Shared by
 * VirtualListbox (the lists' 100,000 entries) and RuleList (500 rules).
 */

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface ScrollWindowOptions {
  /** A row's height (margins included) in units of the box's font size. */
  readonly rowEm: number;
  /** Used until the real sizes can be read (and in a DOM without layout). */
  readonly fallbackRowHeight: number;
  readonly fallbackViewportHeight: number;
  /** Rows rendered above and below the visible ones. */
  readonly overscan: number;
}

export interface ScrollWindow<E extends HTMLElement> {
  /** The scrolling box. */
  readonly box: { current: E | null };
  readonly rowHeight: number;
  readonly viewport: number;
  /** The scroll position, clamped to what the current length allows. */
  readonly top: number;
  /** The first and last row to render (inclusive; last < first for an empty list). */
  readonly first: number;
  readonly last: number;
  readonly onScroll: (event: Event) => void;
  /** Scrolls as little as needed to show row `index`. */
  readonly scrollIntoView: (index: number) => void;
}

export function useScrollWindow<E extends HTMLElement>(count: number, options: ScrollWindowOptions): ScrollWindow<E> {
  const { rowEm, overscan } = options;
  const box = useRef<E>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(options.fallbackViewportHeight);
  const [rowHeight, setRowHeight] = useState(options.fallbackRowHeight);

  // The row height follows the font, which the user may change (Thunderbird's font size).
  useLayoutEffect(() => {
    const element = box.current;
    if (element === null) return undefined;
    const measure = () => {
      const fontSize = parseFloat(getComputedStyle(element).fontSize);
      if (fontSize > 0) setRowHeight(Math.round(fontSize * rowEm));
      if (element.clientHeight > 0) setViewport(element.clientHeight);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [rowEm]);

  // A shorter list (a filter, a removal) cannot be scrolled as far as the old one.
  const maxTop = Math.max(0, count * rowHeight - viewport);
  const top = Math.min(scrollTop, maxTop);
  useEffect(() => {
    if (scrollTop > maxTop) {
      if (box.current !== null && box.current.scrollTop > maxTop) box.current.scrollTop = maxTop;
      setScrollTop(maxTop);
    }
  }, [scrollTop, maxTop]);

  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(count - 1, Math.ceil((top + viewport) / rowHeight) + overscan);

  function scrollIntoView(index: number) {
    const element = box.current;
    if (element === null) return;
    const rowTop = index * rowHeight;
    const height = element.clientHeight || viewport;
    let next = element.scrollTop;
    if (rowTop < next) next = rowTop;
    else if (rowTop + rowHeight > next + height) next = rowTop + rowHeight - height;
    if (next !== element.scrollTop) {
      element.scrollTop = next;
      setScrollTop(next);
    }
  }

  return {
    box,
    rowHeight,
    viewport,
    top,
    first,
    last,
    onScroll: (event) => setScrollTop((event.currentTarget as E).scrollTop),
    scrollIntoView,
  };
}
