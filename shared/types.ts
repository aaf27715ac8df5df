// Domain types shared by main, preload, renderer and CLI. Dates are ISO-8601 strings.
import type { BackendStatus } from './contract/engines';

/** 'damaged': decoded only in part (truncated or corrupt data); shown and captioned, with the decoder's warning. */
export type PhotoStatus = 'ok' | 'offline' | 'error' | 'damaged';
/** Statuses whose pixels can be shown and captioned. */
export const VIEWABLE_STATUSES: readonly PhotoStatus[] = ['ok', 'damaged'];
/**
 * Where a caption or tag came from, strongest first: a person's own edit, then the file's own metadata
 * (an XMP sidecar or embedded keywords), then the model. This is the one order; SQL ranks by
 * sourceRankSql() in main/db/source-rank.ts, built from it. A new source is added here, in its place.
 */
export const SOURCE_PRIORITY = ['user', 'xmp', 'ai'] as const;
export type Provenance = (typeof SOURCE_PRIORITY)[number];
export type Stage = 'discover' | 'metadata' | 'thumbnail' | 'places' | 'ai';
/** What an item of the library is: a still, a video, or a Live Photo (a still with its motion clip). */
export const MEDIA_KINDS = ['photo', 'video', 'live'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export interface Root {
  id: number;
  path: string;
  addedAt: string;
  enabled: boolean;
  photoCount: number;
}

export interface PhotoSummary {
  id: number;
  rootId: number;
  /** Absolute path of the original (for display; never used to serve files). */
  path: string;
  relPath: string;
  /** Date taken (EXIF) or file mtime when unknown. */
  takenAt: string | null;
  /** YYYY-MM of takenAt (or mtime): the grid's month group. */
  month: string;
  width: number | null;
  height: number | null;
  status: PhotoStatus;
  /** Why the file could not be shown ('error') or is only partly there ('damaged'); null otherwise. */
  error: string | null;
  caption: string | null;
  hasThumb: boolean;
  /** The photo of a RAW+JPEG pair: its RAW is listed in the detail (PhotoDetail.rawFile). */
  rawPair: boolean;
  mediaType: MediaKind;
  /** Length of a video (or a Live Photo's motion) in ms; null for stills. */
  durationMs: number | null;
  /** Effective stars 0–5 (a person's rating over the file's). */
  rating: number;
  favourite: boolean;
}

export interface CaptionInfo {
  text: string;
  source: Provenance;
  model: string | null;
  prompt: string | null;
  createdAt: string;
}

export interface TagInfo {
  name: string;
  source: Provenance;
  confidence: number | null;
}

export interface PhotoDetail extends PhotoSummary {
  size: number;
  mtimeMs: number;
  format: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  lens: string | null;
  lat: number | null;
  lon: number | null;
  orientation: number | null;
  /** GPS altitude in metres. */
  altitude: number | null;
  /** Effective label (xmp:Label / digiKam colour label). */
  label: string | null;
  /** digiKam pick label from the file. */
  pick: 'rejected' | 'pending' | 'accepted' | null;
  /** Whose rating shows: the person's ('user') or the file's ('xmp'); null when nobody rated. */
  ratingSource: Provenance | null;
  error: string | null;
  /** The effective caption first (user > xmp > ai), then the others. */
  captions: CaptionInfo[];
  tags: TagInfo[];
  /** Where it was taken (issue 11): from its GPS or set by a person; null when unknown. */
  place: PhotoPlace | null;
  /** RAW+JPEG: the RAW file beside this photo (shown and captioned through this one). */
  rawFile: { id: number; path: string; format: string; size: number } | null;
  prevId: number | null;
  nextId: number | null;
  /** Set for videos and Live Photos. */
  video: VideoInfo | null;
}

export interface VideoInfo {
  durationMs: number | null;
  codec: string | null;
  audioCodec: string | null;
  fps: number | null;
  rotation: number;
  /** Times (ms) of the keyframes the AI caption was made from (provenance); null until captioned. */
  captionFramesMs: number[] | null;
  /**
   * MIME type with codecs of the original (e.g. `video/mp4; codecs="avc1.42E01E"`) for the player to
   * ask canPlayType; null when no browser plays it (AVI, MPEG-4 Part 2 …): a preview is needed.
   */
  playbackType: string | null;
  /** A Live Photo's motion clip (its own library id), when this item is the still. */
  liveVideoId: number | null;
}

export interface MonthGroup {
  month: string;
  count: number;
}

export interface PhotoPage {
  items: PhotoSummary[];
  /** Month groups of the whole (filtered) library, newest first — lets the grid size itself up front. */
  groups: MonthGroup[];
  total: number;
  nextCursor: string | null;
}

export interface SearchHit {
  id: number;
  path: string;
  takenAt: string | null;
  camera: string | null;
  caption: string | null;
  tags: string[];
  score: number;
  mediaType: MediaKind;
  durationMs: number | null;
  rating: number;
  favourite: boolean;
  status: PhotoStatus;
  /** As PhotoSummary.error. */
  error: string | null;
  /** False while the grid thumbnail is not made (or cannot be): show a placeholder, not /thumb/:id. */
  hasThumb: boolean;
}

/** A photo's effective rating, favourite flag and label. */
export interface PhotoRating {
  id: number;
  rating: number;
  favourite: boolean;
  label: string | null;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Exact up to COUNT_CAP matches; beyond it, COUNT_CAP with `totalCapped` (shown as "10,000+"). */
  total: number;
  /** True when more than `total` photos match (counting them all would cost more than the search). */
  totalCapped: boolean;
  nextCursor: string | null;
}

/**
 * Search results and albums count their photos exactly up to this many (a broad word or a common tag
 * over a million photos stays fast); beyond it they say "10,000+".
 */
export const COUNT_CAP = 10_000;

export interface Progress {
  stage: Stage;
  done: number;
  total: number;
  etaMs: number | null;
}

export interface AiStatus {
  done: number;
  queued: number;
  running: number;
  failed: number;
  paused: boolean;
  etaMs: number | null;
  model: string | null;
  /** Why background captioning stopped (e.g. no model downloaded); null while it works. */
  lastError: string | null;
  /** Per backend (local engine, endpoints) state and throughput, while endpoints are configured. */
  backends?: BackendStatus[];
}

export interface LibraryStatus {
  photos: number;
  /** Of `photos`, the videos; and the Live Photos (a still + its motion clip, one item). */
  videos: number;
  livePhotos: number;
  offline: number;
  errors: number;
  thumbnails: number;
  ai: AiStatus;
  /** Current indexing progress, null when idle. */
  indexing: Progress | null;
}

/** A problem with a folder (not a photo) met while scanning: a missing root, an unreadable folder. */
export interface ScanIssue {
  path: string;
  message: string;
}

export interface ScanSummary {
  added: number;
  changed: number;
  unchanged: number;
  moved: number;
  offline: number;
  restored: number;
  errors: number;
  thumbnails: number;
  ms: number;
  /** Folder-level problems; per-photo errors are recorded on the photos (status 'error'). */
  issues: ScanIssue[];
}

// ── Places (issue 11) ────────────────────────────────────────────────────────────────────────────

/** 'gps': reverse-geocoded from the photo's coordinates; 'user': chosen by a person (wins). */
export type PlaceSource = 'gps' | 'user';

export interface PhotoPlace {
  source: PlaceSource;
  /** The point the place stands for: the photo's GPS, or the chosen city's coordinates. */
  lat: number;
  lon: number;
  city: string | null;
  region: string | null;
  /** ISO 3166-1 alpha-2; null at sea. Names are localised by the caller (shared/country-names.ts). */
  countryCode: string | null;
}

/** One row of the places view or `places`: a country, a region in it, or a city in that. */
export interface PlaceCount {
  countryCode: string | null;
  region: string | null;
  city: string | null;
  count: number;
  /** The newest photo of the place (its cover). */
  coverId: number;
}

/** A city of the gazetteer, for setting a place by hand. */
export interface CityChoice {
  id: number;
  city: string;
  region: string | null;
  countryCode: string;
  lat: number;
  lon: number;
}

/** A map marker: one photo, or a cluster of them (count > 1). */
export interface MapCluster {
  /** Cluster id for `places.clusterPhotos` (valid with this `version`); for a single photo, null. */
  clusterId: number | null;
  lat: number;
  lon: number;
  count: number;
  coverId: number;
  /** Zoom at which this cluster splits (null for a single photo). */
  expansionZoom: number | null;
}

export interface MapClusters {
  clusters: MapCluster[];
  /** Changes whenever the set of geotagged photos does; cluster ids belong to one version. */
  version: number;
  total: number;
}
