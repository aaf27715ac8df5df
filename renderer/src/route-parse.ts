// Hash routes: #/library, #/search?q=…, #/albums, #/albums/:id, #/photo/:id, #/chat, #/caption, #/settings,
// #/places[/country[/region[/city]]], #/map.
// Parsing and building them is pure (unit-tested under Node); router.ts adds navigation and the hook.

export type Route =
  | { name: 'library' }
  | { name: 'search'; params: URLSearchParams }
  | { name: 'albums'; params: URLSearchParams }
  | { name: 'album'; id: number | string }
  | { name: 'photo'; id: number; params: URLSearchParams }
  | { name: 'chat'; params: URLSearchParams }
  | { name: 'caption'; params: URLSearchParams }
  | { name: 'settings' }
  | { name: 'places'; path: string[] }
  | { name: 'map' };

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/library';
  const [pathPart = '', query = ''] = raw.split('?', 2);
  const params = new URLSearchParams(query);
  const parts = pathPart.split('/').filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  switch (parts[0]) {
    case 'search': return { name: 'search', params };
    case 'albums':
      if (parts[1] === undefined) return { name: 'albums', params };
      return { name: 'album', id: /^\d+$/.test(parts[1]) ? Number(parts[1]) : parts[1] };
    case 'photo': {
      const id = Number(parts[1]);
      return Number.isSafeInteger(id) && id > 0 ? { name: 'photo', id, params } : { name: 'library' };
    }
    case 'chat': return { name: 'chat', params };
    case 'caption': return { name: 'caption', params };
    case 'settings': return { name: 'settings' };
    case 'places': return { name: 'places', path: parts.slice(1, 4) };
    case 'map': return { name: 'map' };
    default: return { name: 'library' };
  }
}

export const href = {
  library: () => '#/library',
  search: (params: URLSearchParams) => `#/search${params.toString() ? `?${params}` : ''}`,
  albums: (opts: { newSmart?: boolean } = {}) => (opts.newSmart ? '#/albums?new=smart' : '#/albums'),
  album: (id: number | string) => `#/albums/${encodeURIComponent(String(id))}`,
  photo: (id: number) => `#/photo/${id}`,
  chat: (photoId?: number) => `#/chat${photoId ? `?photo=${photoId}` : ''}`,
  caption: () => '#/caption',
  settings: () => '#/settings',
  /** [] → countries; [CC] → its regions; [CC, region] → its cities; [CC, region, city] → its photos. */
  places: (path: string[]) => `#/places${path.map((p) => `/${encodeURIComponent(p)}`).join('')}`,
  map: () => '#/map',
};
