/**
 * The frame around every signed-in page: left navigation, header with search and the user menu. Below 768 px the
 * navigation folds into a menu: the Menu button opens it (focus moves to its first link), Esc or leaving it closes it
 * (Esc returns focus to the button), and following a link closes it.
 */
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { isStaffRole } from '../../../core/actor.ts';
import { useLogout, useMe } from '../../api/session.ts';
import { roleLabel } from '../../ui/format.ts';
import { ApprovalsCount } from '../approvals/approvals-count.tsx';
import { NotificationBell } from '../notifications/notification-bell.tsx';
import { useHotkeys } from '../../ui/hotkeys.ts';
import { GlobalSearch } from './global-search.tsx';
import { ShortcutsDialog } from './shortcuts-dialog.tsx';

function NavLink({ href, children, exact }: { href: string; children: ReactNode; exact?: boolean }) {
  const [location] = useLocation();
  const active = exact ? location === href : location === href || location.startsWith(`${href}/`);
  return (
    <Link href={href} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const me = useMe();
  const logout = useLogout();
  const [location, navigate] = useLocation();
  useHotkeys({ c: () => navigate('/requests/new') });
  const onRequests = location === '/requests' || (location.startsWith('/requests/') && location !== '/requests/new');
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const sidebar = useRef<HTMLElement>(null);

  useEffect(() => setMenuOpen(false), [location]);
  useEffect(() => {
    if (!menuOpen) return;
    sidebar.current?.querySelector<HTMLElement>('a')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      {menuOpen && <div className="menu-backdrop" aria-hidden="true" onClick={() => setMenuOpen(false)} />}
      <aside
        className="sidebar"
        id="app-nav"
        ref={sidebar}
        onBlur={(e) => {
          // Tabbing out of the open menu closes it, so it never covers the page the focus went to.
          const to = e.relatedTarget as Node | null;
          if (menuOpen && to && !sidebar.current?.contains(to) && to !== menuButton.current) setMenuOpen(false);
        }}
      >
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            B
          </span>
          Bridgedesk
        </div>
        <nav aria-label="Main">
          <Link href="/requests" className={onRequests ? 'nav-link active' : 'nav-link'} aria-current={onRequests ? 'page' : undefined}>
            {isStaffRole(me.role) ? 'Requests' : 'My requests'}
          </Link>
          <NavLink href="/requests/new" exact>
            New request <kbd>c</kbd>
          </NavLink>
          <NavLink href="/approvals">
            Approvals <ApprovalsCount />
          </NavLink>
          {me.role === 'admin' && (
            <>
              <div className="nav-section">Admin</div>
              <NavLink href="/admin/users">Users</NavLink>
              <NavLink href="/admin/services">Services</NavLink>
              <NavLink href="/admin/inboxes">Inboxes</NavLink>
              <NavLink href="/admin/custom-fields">Custom fields</NavLink>
              <NavLink href="/workflows">Workflows</NavLink>
              <NavLink href="/admin/outbox">Email outbox</NavLink>
            </>
          )}
          <div className="nav-section">Settings</div>
          <NavLink href="/settings/api-tokens">API tokens</NavLink>
          {me.role === 'admin' && <NavLink href="/settings/integrations">Integrations</NavLink>}
        </nav>
      </aside>
      <div className="main">
        <header className="topbar">
          <button
            ref={menuButton}
            type="button"
            className="btn btn-ghost btn-small menu-button"
            aria-expanded={menuOpen}
            aria-controls="app-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            <span className="menu-icon" aria-hidden="true" />
            Menu
          </button>
          <GlobalSearch />
          <div className="topbar-right">
            <NotificationBell />
            <ShortcutsDialog />
            <div className="user-menu" role="group" aria-label="Signed in as">
              <span className="avatar" aria-hidden="true">
                {me.name.charAt(0).toUpperCase()}
              </span>
              <span className="user-name">
                {me.name}
                <span className="muted"> · {roleLabel(me.role)}</span>
              </span>
            </div>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              disabled={logout.isPending}
              onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/', { replace: true }) })}
            >
              Sign out
            </button>
          </div>
        </header>
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
