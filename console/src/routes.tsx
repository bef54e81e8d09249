import type { FunctionComponent } from 'preact';
import { Home, NotFound } from './pages/home';

export interface ViewProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export const routes: { path: string; view: FunctionComponent<ViewProps> }[] = [
  { path: '/', view: Home },
  { path: '*', view: NotFound },
];
