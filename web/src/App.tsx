import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Notifications } from './screens/Notifications';
import { Link, match, usePath, useSearch } from './router';
import { BoardEditScreen, BoardNewScreen } from './screens/BoardForm';
import { BoardScreen } from './screens/Board';
import { EventByIdScreen, EventScreen } from './screens/Event';
import { AuditScreen } from './screens/Audit';
import { FailuresScreen } from './screens/Failures';
import { HomeScreen } from './screens/Home';
import { ResultSetScreen } from './screens/ResultSet';
import { RiderScreen, RidersScreen } from './screens/Riders';
import { ScaleScreen, ScalesScreen } from './screens/Scales';
import { SeriesScreen } from './screens/Series';
import { StatusCodesScreen } from './screens/StatusCodes';
import { SignIn } from './screens/SignIn';
import { currentSession, onSessionChange, signOut } from './session';
import { useWhoami } from './whoami';

export function App() {
  const [session, setSession] = useState(currentSession);
  const queries = useQueryClient();
  useEffect(() => onSessionChange((s) => {
    setSession(s);
    if (!s.key) queries.clear();
  }), [queries]);
  if (!session.key) return <SignIn reason={session.reason} />;
  return <Console />;
}

function Console() {
  const path = usePath();
  const search = useSearch();
  const who = useWhoami(true);
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          Podium console
        </Link>
        <nav aria-label="Main">
          <Link to="/">Series</Link>
          <Link to="/scales">Points scales</Link>
          <Link to="/status-codes">Status codes</Link>
          <Link to="/riders">Riders</Link>
          <Link to="/audit">Audit log</Link>
          <Notifications />
        </nav>
        <div className="who">
          {who && <span aria-label="Signed in as">{who}</span>}
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main>{route(path, search)}</main>
    </>
  );
}

function route(path: string, search: string): ReactNode {
  let p;
  if (path === '/' || path === '') return <HomeScreen />;
  if (path === '/scales') return <ScalesScreen />;
  if (path === '/status-codes') return <StatusCodesScreen />;
  if (path === '/failures') return <FailuresScreen />;
  if (path === '/riders') return <RidersScreen />;
  if ((p = match('/riders/:id', path))) return <RiderScreen key={p.id} id={p.id} />;
  if (path === '/audit') return <AuditScreen key={search} />;
  if ((p = match('/scales/:id', path))) return <ScaleScreen key={p.id} id={p.id} />;
  if ((p = match('/events/:id', path))) return <EventByIdScreen key={p.id} id={p.id} />;
  if ((p = match('/series/:id', path))) return <SeriesScreen key={p.id} id={p.id} />;
  if ((p = match('/series/:seriesId/events/:id', path))) return <EventScreen key={p.id} seriesId={p.seriesId} id={p.id} />;
  if ((p = match('/series/:seriesId/boards/new', path))) return <BoardNewScreen seriesId={p.seriesId} />;
  if ((p = match('/boards/:id', path))) return <BoardScreen key={p.id} id={p.id} />;
  if ((p = match('/boards/:id/edit', path))) return <BoardEditScreen key={p.id} id={p.id} />;
  if ((p = match('/result-sets/:id', path))) return <ResultSetScreen key={p.id} id={p.id} />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no console page at {path}. <Link to="/">Back to the series</Link>
      </p>
    </section>
  );
}
