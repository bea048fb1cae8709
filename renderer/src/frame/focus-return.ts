// Mantine returns focus only when a Modal's `opened` turns false; dialogs mounted already open (most of Ferry's) and
// dialogs opened from a menu item (gone once the menu closes) left focus on <body>. This puts it back, for all of them.

const DIALOG = '[role="dialog"]';
const KEPT = 20;

/** The element to return to for a focused one: a menu item stands for the button that opened its menu. */
function openerOf(element: HTMLElement, doc: Document): HTMLElement {
  const menu = element.closest('[role="menu"]');
  const targetId = menu?.getAttribute('aria-labelledby');
  const target = targetId ? doc.getElementById(targetId) : null;
  return target ?? element;
}

/** Whether focus can go back to an element: still shown, enabled, not hidden from assistive technologies. */
function canFocus(element: HTMLElement): boolean {
  return (
    element.isConnected &&
    !element.matches(':disabled') &&
    element.closest('[inert], [aria-hidden="true"]') === null &&
    element.getClientRects().length > 0
  );
}

function removesDialog(records: readonly MutationRecord[]): boolean {
  return records.some((record) =>
    [...record.removedNodes].some(
      (node) => node instanceof Element && (node.matches(DIALOG) || node.querySelector(DIALOG) !== null),
    ),
  );
}

/**
 * Returns focus to the opener when a dialog closes and focus fell to <body>: the most recently focused element still
 * there, inside the topmost dialog left open if any. Returns a function that stops it.
 */
export function installFocusReturn(doc: Document = document): () => void {
  const recent: HTMLElement[] = [];
  const onFocusIn = (event: FocusEvent) => {
    if (!(event.target instanceof HTMLElement)) return;
    const element = openerOf(event.target, doc);
    const seen = recent.indexOf(element);
    if (seen !== -1) recent.splice(seen, 1);
    recent.push(element);
    if (recent.length > KEPT) recent.shift();
  };
  const restore = () => {
    const active = doc.activeElement;
    if (active !== null && active !== doc.body) return;
    const dialogs = doc.querySelectorAll<HTMLElement>(DIALOG);
    const top = dialogs.length > 0 ? dialogs[dialogs.length - 1] : undefined;
    for (let i = recent.length - 1; i >= 0; i--) {
      const element = recent[i]!;
      if (!canFocus(element) || (top !== undefined && !top.contains(element))) continue;
      element.focus({ preventScroll: true });
      return;
    }
  };
  const observer = new MutationObserver((records) => {
    if (removesDialog(records)) restore();
  });
  doc.addEventListener('focusin', onFocusIn);
  observer.observe(doc.body, { childList: true, subtree: true });
  return () => {
    observer.disconnect();
    doc.removeEventListener('focusin', onFocusIn);
  };
}
