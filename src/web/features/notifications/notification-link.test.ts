import { describe, expect, it } from 'vitest';
import { notificationTarget } from './notification-link.ts';

describe('notification links', () => {
  const origin = 'https://desk.example.com';
  it('opens Bridgedesk pages in the app, whatever public URL made the link', () => {
    expect(notificationTarget('/requests/REQ-4', origin)).toEqual({ kind: 'app', path: '/requests/REQ-4' });
    expect(notificationTarget('https://desk.example.com/approvals', origin)).toEqual({ kind: 'app', path: '/approvals' });
    expect(notificationTarget('http://localhost:3000/requests/REQ-4', origin)).toEqual({ kind: 'app', path: '/requests/REQ-4' });
  });
  it('keeps other links external and ignores what is not a web link', () => {
    expect(notificationTarget('https://acme.kustomerapp.com/app/conversations/1', origin)).toEqual({
      kind: 'external',
      href: 'https://acme.kustomerapp.com/app/conversations/1',
    });
    expect(notificationTarget('javascript:alert(1)', origin)).toBeNull();
    expect(notificationTarget('//evil.example/requests', origin)).toBeNull();
    expect(notificationTarget(null, origin)).toBeNull();
  });
});
