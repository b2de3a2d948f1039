import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { DncPage } from './pages/dnc.tsx';
import { ImportsPage } from './pages/imports/history.tsx';
import { ImportPage } from './pages/imports/import.tsx';
import { NewImportPage } from './pages/imports/new.tsx';
import { ListPage, ListsPage } from './pages/lists.tsx';
import { PeoplePage } from './pages/people.tsx';
import { ProfilePage } from './pages/profile.tsx';
import { SegmentPage } from './pages/segment.tsx';
import { SegmentsPage } from './pages/segments.tsx';
import { SettingsPage } from './pages/settings.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { TagsPage } from './pages/tags.tsx';
import { SessionProvider, useSessionQuery, useSignOut } from './session.tsx';
import type { Session } from './types.ts';
import { ErrorBox, Loading } from './ui/states.tsx';

export function App() {
  const session = useSessionQuery();
  const location = useLocation();
  if (session.isPending) return <Loading label="Opening Audience…" />;
  if (session.isError) return <main className="center"><ErrorBox error={session.error} retry={() => session.refetch()} /></main>;
  if (!session.data) {
    const back = location.pathname === '/sign-in' ? undefined : location.pathname + location.search;
    return (
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="*" element={<Navigate to="/sign-in" replace state={{ back }} />} />
      </Routes>
    );
  }
  return (
    <SessionProvider session={session.data}>
      <Shell session={session.data}>
        <Routes>
          <Route path="/" element={<Navigate to="/people" replace />} />
          <Route path="/sign-in" element={<Navigate to={(location.state as { back?: string } | null)?.back ?? '/people'} replace />} />
          <Route path="/people" element={<PeoplePage />} />
          <Route path="/people/:id" element={<ProfilePage />} />
          <Route path="/segments" element={<SegmentsPage />} />
          <Route path="/segments/new" element={<SegmentPage />} />
          <Route path="/segments/:id" element={<SegmentPage />} />
          <Route path="/tags" element={<TagsPage />} />
          <Route path="/lists" element={<ListsPage />} />
          <Route path="/lists/:id" element={<ListPage />} />
          <Route path="/imports" element={<ImportsPage />} />
          <Route path="/imports/new" element={<NewImportPage />} />
          <Route path="/imports/:id" element={<ImportPage />} />
          <Route path="/dnc" element={<DncPage />} />
          <Route path="/settings/*" element={<SettingsPage />} />
          <Route path="*" element={<div className="page"><ErrorBox error={new Error('This page does not exist.')} /></div>} />
        </Routes>
      </Shell>
    </SessionProvider>
  );
}

const NAV = [
  ['/people', 'People'],
  ['/segments', 'Segments'],
  ['/tags', 'Tags'],
  ['/lists', 'Lists'],
  ['/imports', 'Imports'],
  ['/dnc', 'Do-Not-Contact'],
  ['/settings', 'Settings'],
] as const;

function Shell({ session, children }: { session: Session; children: React.ReactNode }) {
  const signOut = useSignOut();
  return (
    <div className="shell">
      <a href="#main" className="skip-link">Skip to content</a>
      <aside className="sidebar">
        <div className="brand">
          <span className="logo" aria-hidden>◉</span> Audience
        </div>
        <div className="workspace-name" title={`Time zone: ${session.workspace.timezone}`}>{session.workspace.name}</div>
        <nav aria-label="Main">
          {NAV.map(([to, label]) => (
            <NavLink key={to} to={to} className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
              {label}
            </NavLink>
          ))}
        </nav>
        <div className="whoami">
          {session.user && (
            <span title={session.user.email}>
              {session.user.name || session.user.email} <span className="badge">{session.user.role}</span>
            </span>
          )}
          <button type="button" className="link" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </button>
        </div>
      </aside>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
