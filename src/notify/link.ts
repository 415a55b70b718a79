/** The alert's page in the web UI: `${baseUrl}/alerts/${id}`, or null without a baseUrl. */
export function alertUrl(baseUrl: string | null | undefined, id: string): string | null {
  if (!baseUrl) return null;
  return `${baseUrl.replace(/\/+$/, '')}/alerts/${encodeURIComponent(id)}`;
}
