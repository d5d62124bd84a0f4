/**
 * The portal's origin (and path prefix, if any) from whatever the operator configured:
 * `https://portal.example.com`, with or without a trailing slash or `/api/2.0`.
 */
export function portalBase(baseUrl: string): string {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/2\.0$/, '');
  return `${url.origin}${path}`;
}

/**
 * The room's page in the DocSpace web UI (`PathProvider.GetFolderUrl`). It needs a DocSpace login,
 * so it is the link for room types that cannot have external links.
 */
export function roomPortalUrl(portal: string, roomId: number, opts: { archived?: boolean } = {}): string {
  return opts.archived
    ? `${portal}/rooms/archived/filter?folder=${roomId}`
    : `${portal}/rooms/shared/${roomId}/filter?folder=${roomId}`;
}
