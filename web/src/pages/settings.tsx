import { Link, Route, Routes, useLocation } from 'react-router';
import { useCan } from '../session.tsx';
import { ErrorBox, PageHeader } from '../ui/states.tsx';
import { AttributesSettings } from './settings/attributes.tsx';
import { ChannelsSettings } from './settings/channels.tsx';
import { WebhookSettings } from './settings/webhook.tsx';
import { WebhooksSettings } from './settings/webhooks.tsx';
import { WorkspaceSettings } from './settings/workspace.tsx';

/**
 * Settings: a nav over its sub-pages, routed here (app.tsx mounts /settings/*) so the area's routes
 * stay in one place. Workspace, Users and API keys are sections of /settings, linked by their anchor.
 */
export function SettingsPage() {
  return (
    <div className="page">
      <PageHeader title="Settings" />
      <SettingsNav />
      <Routes>
        <Route index element={<WorkspaceSettings />} />
        <Route path="attributes" element={<AttributesSettings />} />
        <Route path="channels" element={<ChannelsSettings />} />
        <Route path="webhooks" element={<WebhooksSettings />} />
        <Route path="webhooks/:id" element={<WebhookSettings />} />
        <Route path="*" element={<ErrorBox error={new Error('This settings page does not exist.')} />} />
      </Routes>
    </div>
  );
}

function SettingsNav() {
  const can = useCan();
  const { pathname, hash } = useLocation();
  const links: { to: string; label: string; current: boolean }[] = [
    { to: '/settings', label: 'Workspace', current: pathname === '/settings' && (hash === '' || hash === '#workspace') },
    ...(can.admin ? [{ to: '/settings#users', label: 'Users', current: pathname === '/settings' && hash === '#users' }] : []),
    { to: '/settings#keys', label: 'API keys', current: pathname === '/settings' && hash === '#keys' },
    { to: '/settings/attributes', label: 'Attributes', current: pathname === '/settings/attributes' },
    { to: '/settings/channels', label: 'Channels', current: pathname === '/settings/channels' },
    { to: '/settings/webhooks', label: 'Webhooks', current: pathname.startsWith('/settings/webhooks') },
  ];
  return (
    <nav className="subnav" aria-label="Settings">
      {links.map((l) => (
        <Link key={l.to} to={l.to} className={l.current ? 'subnav-link active' : 'subnav-link'} aria-current={l.current ? 'page' : undefined}>
          {l.label}
        </Link>
      ))}
    </nav>
  );
}
