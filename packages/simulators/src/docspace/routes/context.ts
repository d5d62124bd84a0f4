import type { Portal } from '../portal';

/** What every route module needs: the portal state and the URL links should point at. */
export interface RouteContext {
  portal: Portal;
  /** Fixed public URL, if configured; otherwise each request's own origin. */
  publicUrl: string | undefined;
}

/** Integer route ids, as ASP.NET's `{id:int}` constraint: anything else is no route at all (404). */
export const ID = ':id(^\\d+$)';
export const API = '/api/2.0';
