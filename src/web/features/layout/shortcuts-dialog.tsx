/** "?" shows every keyboard shortcut. */
import { useRef } from 'react';
import { useHotkeys } from '../../ui/hotkeys.ts';

const SHORTCUTS: [string, string][] = [
  ['/', 'Search requests'],
  ['c', 'New request'],
  ['j / k', 'Next / previous request in the list'],
  ['Enter', 'Open the selected request'],
  ['x', 'Select the request in the list for a bulk change (staff)'],
  ['r', 'Reply (on a request)'],
  ['n', 'Internal note (on a request, staff)'],
  ['a', 'Assign to me (on a request, staff)'],
  ['e', 'Escalate ticket (on a request, staff)'],
  ['u', 'Back to the request list'],
  ['Ctrl/⌘ + Enter', 'Submit the form or comment'],
  ['?', 'This list'],
];

export function ShortcutsDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  useHotkeys({ '?': () => dialog.current?.showModal() });
  return (
    <>
      <button type="button" className="btn btn-ghost btn-small" onClick={() => dialog.current?.showModal()} title="Keyboard shortcuts (?)">
        Shortcuts
      </button>
      <dialog ref={dialog} className="dialog" onClick={(e) => e.target === dialog.current && dialog.current?.close()}>
        <h2>Keyboard shortcuts</h2>
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map(([keysText, what]) => (
              <tr key={keysText}>
                <td>
                  <kbd>{keysText}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => dialog.current?.close()} autoFocus>
            Close
          </button>
        </div>
      </dialog>
    </>
  );
}
