// Reading and merging XMP packets (sidecars) with fast-xml-parser in order-preserving mode, so every
// field we don't own survives a merge. Names are matched by namespace URI, not by prefix.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../../shared/errors';

export const NS = {
  x: 'adobe:ns:meta/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  dc: 'http://purl.org/dc/elements/1.1/',
  digiKam: 'http://www.digikam.org/ns/1.0/',
  lr: 'http://ns.adobe.com/lightroom/1.0/',
  xmp: 'http://ns.adobe.com/xap/1.0/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
  Iptc4xmpCore: 'http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/',
  exif: 'http://ns.adobe.com/exif/1.0/',
} as const;

const malformedXmp = (message: string) => new AppError('unsupported', message);

/** What SmolAlbum reads from and writes to XMP. */
export interface XmpFields {
  description: string | null;
  /** dc:subject keywords. */
  subjects: string[];
  /** digiKam:TagsList ('/'-separated hierarchy). */
  tagsList: string[];
  /** lr:hierarchicalSubject ('|'-separated hierarchy). */
  hierarchical: string[];
}

// An order-preserving node: { "prefix:name": Node[], ":@": { "@_attr": value } } or { "#text": string }.
type XNode = Record<string, unknown>;
const ATTRS = ':@';

const options = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  commentPropName: '#comment',
  processEntities: true,
  suppressEmptyNode: true,
} as const;

const nodeName = (n: XNode): string => Object.keys(n).find((k) => k !== ATTRS)!;
const kids = (n: XNode): XNode[] => (Array.isArray(n[nodeName(n)]) ? (n[nodeName(n)] as XNode[]) : []);
const attrsOf = (n: XNode): Record<string, string> => (n[ATTRS] as Record<string, string> | undefined) ?? {};
const isElement = (n: XNode): boolean => { const k = nodeName(n); return !k.startsWith('#') && !k.startsWith('?'); };

type Scope = ReadonlyMap<string, string>;

/** The scope inside element n: its own xmlns declarations over the parent's. */
function scopeOf(n: XNode, parent: Scope): Scope {
  let scope: Map<string, string> | null = null;
  for (const [k, v] of Object.entries(attrsOf(n))) {
    const m = /^@_xmlns(?::(.+))?$/.exec(k);
    if (m) (scope ??= new Map(parent)).set(m[1] ?? '', v);
  }
  return scope ?? parent;
}

function resolve(qname: string, scope: Scope): { uri: string | undefined; local: string } {
  const i = qname.indexOf(':');
  return i < 0 ? { uri: scope.get(''), local: qname } : { uri: scope.get(qname.slice(0, i)), local: qname.slice(i + 1) };
}

const is = (n: XNode, scope: Scope, uri: string, local: string): boolean => {
  if (!isElement(n)) return false;
  const r = resolve(nodeName(n), scope);
  return r.uri === uri && r.local === local;
};

function parseTree(xml: string): XNode[] {
  const text = xml.replace(/^\uFEFF/, '');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw malformedXmp(`not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  return new XMLParser(options).parse(text) as XNode[];
}

/** Finds the first rdf:RDF element, with the namespace scope inside it. */
function findRdf(nodes: XNode[], scope: Scope): { node: XNode; scope: Scope } | null {
  for (const n of nodes) {
    if (!isElement(n)) continue;
    const inner = scopeOf(n, scope);
    if (is(n, inner, NS.rdf, 'RDF')) return { node: n, scope: inner };
    const found = findRdf(kids(n), inner);
    if (found) return found;
  }
  return null;
}

function textOf(n: XNode): string {
  return kids(n).map((k) => (typeof k['#text'] === 'string' || typeof k['#text'] === 'number' ? String(k['#text']) : isElement(k) ? textOf(k) : '')).join('');
}

/** The rdf:li items of a property's container (Alt/Bag/Seq), with their xml:lang. */
function listItems(prop: XNode, scope: Scope): { text: string; lang: string | null }[] {
  const out: { text: string; lang: string | null }[] = [];
  for (const container of kids(prop)) {
    if (!isElement(container)) continue;
    const cs = scopeOf(container, scope);
    for (const li of kids(container)) {
      if (is(li, scopeOf(li, cs), NS.rdf, 'li')) out.push({ text: textOf(li), lang: attrsOf(li)['@_xml:lang'] ?? null });
    }
  }
  return out;
}

export function readXmpFields(xml: string): XmpFields {
  const rdf = findRdf(parseTree(xml), new Map());
  const fields: XmpFields = { description: null, subjects: [], tagsList: [], hierarchical: [] };
  if (!rdf) return fields;
  for (const desc of kids(rdf.node)) {
    const ds = scopeOf(desc, rdf.scope);
    if (!is(desc, ds, NS.rdf, 'Description')) continue;
    for (const prop of kids(desc)) {
      if (!isElement(prop)) continue;
      const ps = scopeOf(prop, ds);
      const items = () => listItems(prop, ps).map((i) => i.text.trim()).filter(Boolean);
      if (is(prop, ps, NS.dc, 'description')) {
        const alts = listItems(prop, ps);
        const text = (alts.find((a) => a.lang === 'x-default') ?? alts[0])?.text ?? textOf(prop);
        if (text.trim()) fields.description = text.trim();
      } else if (is(prop, ps, NS.dc, 'subject')) fields.subjects.push(...items());
      else if (is(prop, ps, NS.digiKam, 'TagsList')) fields.tagsList.push(...items());
      else if (is(prop, ps, NS.lr, 'hierarchicalSubject')) fields.hierarchical.push(...items());
    }
  }
  return fields;
}

/** Control characters other than tab/newline are not allowed in XML 1.0. */
const xmlSafe = (s: string): string => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');

const FRESH = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="SmolAlbum">
 <rdf:RDF xmlns:rdf="${NS.rdf}">
  <rdf:Description rdf:about=""/>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
`;

// Property names are case-sensitive: Lightroom's (and exiftool's) is lr:hierarchicalSubject. exiftool
// reads a wrongly cased property under the same tag name, so test/export/export.test.ts checks raw names.
const OWNED: [keyof typeof NS, string][] = [['dc', 'description'], ['dc', 'subject'], ['digiKam', 'TagsList'], ['lr', 'hierarchicalSubject']];
/** Place properties: ours only when the photo has a place (a sidecar's place from another tool is kept otherwise). */
const PLACE_OWNED: [keyof typeof NS, string][] = [['photoshop', 'City'], ['photoshop', 'State'], ['photoshop', 'Country'], ['Iptc4xmpCore', 'CountryCode']];
/** GPS: written only for a place a person set (the file's own GPS is already in the file). */
const GPS_OWNED: [keyof typeof NS, string][] = [['exif', 'GPSLatitude'], ['exif', 'GPSLongitude']];

/** What a sidecar says about where the photo was taken. */
export interface XmpPlace {
  city: string | null;
  region: string | null;
  /** English country name (photoshop:Country is free text; the code goes to Iptc4xmpCore:CountryCode). */
  country: string | null;
  countryCode: string | null;
  /** Set only for a place a person chose. */
  gps: { lat: number; lon: number } | null;
}

/** XMP GPS coordinate "DDD,MM.mmmmmmK" (XMP spec, part 2: GPSCoordinate). */
export function xmpGpsCoordinate(value: number, axis: 'lat' | 'lon'): string {
  const ref = axis === 'lat' ? (value < 0 ? 'S' : 'N') : (value < 0 ? 'W' : 'E');
  const abs = Math.abs(value);
  const deg = Math.floor(abs);
  const min = (abs - deg) * 60;
  return `${deg},${min.toFixed(6)}${ref}`;
}

export interface XmpData {
  caption: string | null;
  tags: readonly string[];
  place?: XmpPlace | null;
  /** xmp:Rating 0–5; null leaves whatever the sidecar says (another tool's rating is not erased). */
  rating?: number | null;
  /** xmp:Label; null leaves the sidecar's. */
  label?: string | null;
}

/**
 * Writes caption and tags into an XMP packet: the existing one (all other fields kept) or a new one.
 * Our four properties are replaced wherever they were; a property with no value is removed.
 * xmp:Rating and xmp:Label are replaced when we have a value, and left as they are otherwise.
 * Throws an AppError of kind `unsupported` when the existing text is not a usable XMP packet.
 */
export function mergeXmp(existing: string | null, data: XmpData): string {
  const owned: [keyof typeof NS, string][] = [
    ...OWNED, ...(data.place ? PLACE_OWNED : []), ...(data.place?.gps ? GPS_OWNED : []),
    ...(data.rating !== undefined && data.rating !== null ? [['xmp', 'Rating'] as [keyof typeof NS, string]] : []),
    ...(data.label ? [['xmp', 'Label'] as [keyof typeof NS, string]] : []),
  ];
  const tree = parseTree(existing ?? FRESH);
  const rdf = findRdf(tree, new Map());
  if (!rdf) throw malformedXmp('no rdf:RDF element, so it is not an XMP packet');
  // rdf may be the default namespace (no prefix) in hand-written packets.
  const rdfPrefix = prefixFor(rdf.scope, NS.rdf);
  const q = (local: string) => (rdfPrefix ? `${rdfPrefix}:${local}` : local);
  const rdfKids = kids(rdf.node);

  // Drop our properties from every rdf:Description (element form and attribute form).
  let target: XNode | null = null;
  for (const desc of rdfKids) {
    const ds = scopeOf(desc, rdf.scope);
    if (!is(desc, ds, NS.rdf, 'Description')) continue;
    target ??= desc;
    const list = kids(desc);
    for (let i = list.length - 1; i >= 0; i--) {
      const prop = list[i]!;
      if (owned.some(([ns, local]) => is(prop, scopeOf(prop, ds), NS[ns], local))) {
        list.splice(i, 1);
        const prev = list[i - 1];
        if (prev && typeof prev['#text'] === 'string' && !prev['#text'].trim()) list.splice(i - 1, 1);
      }
    }
    const attrs = attrsOf(desc);
    for (const key of Object.keys(attrs)) {
      if (key.startsWith('@_xmlns')) continue;
      const r = resolve(key.slice(2), ds);
      if (owned.some(([ns, local]) => r.uri === NS[ns] && r.local === local)) delete attrs[key];
    }
  }
  if (!target) {
    target = { [q('Description')]: [], [ATTRS]: rdfPrefix ? { [`@_${rdfPrefix}:about`]: '' } : {} };
    rdfKids.push(target);
  }
  if (!Array.isArray(target[nodeName(target)])) target[nodeName(target)] = [];
  const targetScope = scopeOf(target, rdf.scope);
  const declare = (key: keyof typeof NS): string => {
    const found = prefixFor(targetScope, NS[key]);
    if (found) return found;
    let prefix: string = key;
    for (let n = 1; targetScope.has(prefix); n++) prefix = `${key}${n}`;
    target[ATTRS] = { ...attrsOf(target), [`@_xmlns:${prefix}`]: NS[key] };
    return prefix;
  };

  const li = (text: string, lang?: string): XNode => ({
    [q('li')]: [{ '#text': xmlSafe(text) }], ...(lang ? { [ATTRS]: { '@_xml:lang': lang } } : {}),
  });
  const container = (kind: 'Alt' | 'Bag' | 'Seq', items: XNode[]): XNode => ({ [q(kind)]: items });
  const added: XNode[] = [];
  const caption = data.caption?.trim();
  if (caption) added.push({ [`${declare('dc')}:description`]: [container('Alt', [li(caption, 'x-default')])] });
  const tags = data.tags.map((t) => t.trim()).filter(Boolean);
  if (tags.length) {
    added.push({ [`${declare('dc')}:subject`]: [container('Bag', tags.map((t) => li(t)))] });
    added.push({ [`${declare('digiKam')}:TagsList`]: [container('Seq', tags.map((t) => li(t)))] });
    added.push({ [`${declare('lr')}:hierarchicalSubject`]: [container('Bag', tags.map((t) => li(t)))] });
  }
  if (data.rating !== undefined && data.rating !== null) added.push({ [`${declare('xmp')}:Rating`]: [{ '#text': String(data.rating) }] });
  const label = data.label?.trim();
  if (label) added.push({ [`${declare('xmp')}:Label`]: [{ '#text': xmlSafe(label) }] });
  const simple = (ns: keyof typeof NS, local: string, value: string | null | undefined) => {
    if (value) added.push({ [`${declare(ns)}:${local}`]: [{ '#text': xmlSafe(value) }] });
  };
  if (data.place) {
    simple('photoshop', 'City', data.place.city);
    simple('photoshop', 'State', data.place.region);
    simple('photoshop', 'Country', data.place.country);
    simple('Iptc4xmpCore', 'CountryCode', data.place.countryCode);
    if (data.place.gps) {
      simple('exif', 'GPSLatitude', xmpGpsCoordinate(data.place.gps.lat, 'lat'));
      simple('exif', 'GPSLongitude', xmpGpsCoordinate(data.place.gps.lon, 'lon'));
    }
  }
  const list = kids(target);
  const trailing = list.length && typeof list.at(-1)!['#text'] === 'string' && !String(list.at(-1)!['#text']).trim() ? list.pop()! : null;
  for (const node of added) list.push({ '#text': '\n   ' }, node);
  list.push(trailing ?? { '#text': '\n  ' });

  // The builder joins the packet header to the next line; keep the conventional line break.
  const xml = (new XMLBuilder(options).build(tree) as string).replace(/^(<\?xpacket[^>]*\?>)(?!\n)/, '$1\n');
  return xml.endsWith('\n') ? xml : `${xml}\n`;
}

function prefixFor(scope: Scope, uri: string): string | null {
  for (const [prefix, u] of scope) if (u === uri && prefix) return prefix;
  return null;
}
