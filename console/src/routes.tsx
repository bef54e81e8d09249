import type { FunctionComponent } from 'preact';
import { ClassPage } from './pages/class';
import { Home, NotFound } from './pages/home';
import { LoginsPage } from './pages/logins';
import { TrainerHome } from './pages/trainer';
import { ProjectView, SeeHome } from './pages/see';
import { Callback, SignIn } from './pages/signin';
import { TimelinePage } from './pages/timeline';
import { DrillPage, DrillsPage } from './pages/drills';
import { ChallengePage } from './pages/challenge';

export interface ViewProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export const routes: { path: string; view: FunctionComponent<ViewProps> }[] = [
  { path: '/', view: Home },
  { path: '/trainer', view: TrainerHome },
  { path: '/trainer/classes/:id', view: ClassPage },
  { path: '/trainer/classes/:id/logins', view: LoginsPage },
  { path: '/signin', view: SignIn },
  { path: '/callback', view: Callback },
  { path: '/see', view: SeeHome },
  { path: '/see/companies/:cid/projects/:pid', view: ProjectView },
  { path: '/see/companies/:cid/projects/:pid/:tab', view: ProjectView },
  { path: '/see/companies/:cid/projects/:pid/timeline/:resource/:id', view: TimelinePage },
  { path: '/drills', view: DrillsPage },
  { path: '/drills/:id', view: DrillPage },
  { path: '/challenge', view: ChallengePage },
  { path: '*', view: NotFound },
];
