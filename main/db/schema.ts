// Migrations on PRAGMA user_version, as an ordered array: index i moves the schema from version i to i+1.
// Nothing has shipped yet, so areas still extend migration 1; once released, only append.
import type { Database } from 'better-sqlite3';
import { timelineKeySql } from './timeline-key';
import { facetsSql } from './facets';

export type Migration = (db: Database) => void;

export const migrations: Migration[] = [
  // 1: the whole data model (folders, photos, captions and tags with their source, jobs, albums, chat, …).
  (db) => {
    db.exec(`
      CREATE TABLE roots (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        added_at TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1
      );

      CREATE TABLE photos (
        id INTEGER PRIMARY KEY,
        root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
        rel_path TEXT NOT NULL,
        file_name TEXT NOT NULL,
        folder TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        content_hash TEXT,
        width INTEGER,
        height INTEGER,
        format TEXT,
        taken_at TEXT,
        sort_date TEXT NOT NULL,
        camera_make TEXT,
        camera_model TEXT,
        lens TEXT,
        lat REAL,
        lon REAL,
        orientation INTEGER,
        phash TEXT,
        xmp_json TEXT,
        -- 'damaged' (issue 10): partly decoded, shown and captioned; the error column holds the decoder's warning.
        status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok','offline','error','damaged')),
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (root_id, rel_path)
      );
      CREATE INDEX photos_sort ON photos(sort_date DESC, id DESC);
      CREATE INDEX photos_hash ON photos(content_hash);
      CREATE INDEX photos_status ON photos(status);
      -- Photos with a location, newest first: the GPS filter and its count without a table scan.
      CREATE INDEX photos_gps ON photos(sort_date DESC, id DESC) WHERE lat IS NOT NULL;
      -- Month groups of the grid, counted from an index in month order.
      CREATE INDEX photos_month ON photos(substr(sort_date, 1, 7));

      -- Per-stage progress (Immich's asset_job_status): drives incremental backfills.
      CREATE TABLE photo_stage (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        stage TEXT NOT NULL CHECK (stage IN ('metadata','thumbnail','ai')),
        done_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        PRIMARY KEY (photo_id, stage)
      );

      CREATE TABLE captions (
        id INTEGER PRIMARY KEY,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('ai','xmp','user')),
        model TEXT,
        prompt TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (photo_id, source)
      );

      CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE
      );
      CREATE TABLE photo_tags (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        source TEXT NOT NULL CHECK (source IN ('ai','xmp','user')),
        confidence REAL,
        model TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (photo_id, tag_id, source)
      );
      -- Covering (tag → photos) for tag filters and smart-album tag rules: no table lookups.
      CREATE INDEX photo_tags_tag ON photo_tags(tag_id, photo_id);

      -- The searchable text of a photo, one row per photo, kept current by the repositories;
      -- photos_fts indexes it as external content through triggers, under timeline_key
      -- (main/db/timeline-key.ts), which follows the photo's sort_date.
      -- place: city, region, country (English and Chinese) and code, from photo_places (issue 11).
      CREATE TABLE photo_text (
        photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        timeline_key INTEGER NOT NULL UNIQUE,
        caption TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '',
        file_name TEXT NOT NULL DEFAULT '',
        folder TEXT NOT NULL DEFAULT '',
        camera TEXT NOT NULL DEFAULT '',
        place TEXT NOT NULL DEFAULT '',
        -- orientation and location as words, for rules (main/db/facets.ts)
        facets TEXT NOT NULL DEFAULT ''
      );
      CREATE VIRTUAL TABLE photos_fts USING fts5(
        caption, tags, file_name, folder, camera, place, facets,
        content='photo_text', content_rowid='timeline_key',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
      );
      -- The index's words, for turning a typed prefix into the words it stands for (main/db/fts-terms.ts).
      CREATE VIRTUAL TABLE photos_fts_terms USING fts5vocab(photos_fts, 'row');
      CREATE TRIGGER photo_text_ai AFTER INSERT ON photo_text BEGIN
        INSERT INTO photos_fts(rowid, caption, tags, file_name, folder, camera, place, facets)
        VALUES (new.timeline_key, new.caption, new.tags, new.file_name, new.folder, new.camera, new.place, new.facets);
      END;
      CREATE TRIGGER photo_text_ad AFTER DELETE ON photo_text BEGIN
        INSERT INTO photos_fts(photos_fts, rowid, caption, tags, file_name, folder, camera, place, facets)
        VALUES ('delete', old.timeline_key, old.caption, old.tags, old.file_name, old.folder, old.camera, old.place, old.facets);
      END;
      CREATE TRIGGER photo_text_au AFTER UPDATE ON photo_text BEGIN
        INSERT INTO photos_fts(photos_fts, rowid, caption, tags, file_name, folder, camera, place, facets)
        VALUES ('delete', old.timeline_key, old.caption, old.tags, old.file_name, old.folder, old.camera, old.place, old.facets);
        INSERT INTO photos_fts(rowid, caption, tags, file_name, folder, camera, place, facets)
        VALUES (new.timeline_key, new.caption, new.tags, new.file_name, new.folder, new.camera, new.place, new.facets);
      END;
      -- A new date moves the photo's text to its new place in the timeline; a new size or location
      -- changes its facets.
      CREATE TRIGGER photos_text_keys_au AFTER UPDATE OF sort_date, width, height, lat ON photos BEGIN
        UPDATE photo_text SET timeline_key = ${timelineKeySql('new.sort_date', 'new.id')}, facets = ${facetsSql('new')}
        WHERE photo_id = new.id AND (timeline_key IS NOT ${timelineKeySql('new.sort_date', 'new.id')} OR facets IS NOT ${facetsSql('new')});
      END;

      CREATE TABLE albums (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('manual','smart')),
        rule_json TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE album_photos (
        album_id INTEGER NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        added_at TEXT NOT NULL,
        PRIMARY KEY (album_id, photo_id)
      );

      -- The durable AI queue: a restart resumes it.
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        photo_id INTEGER REFERENCES photos(id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('queued','running','done','failed','cancelled')),
        attempts INTEGER NOT NULL DEFAULT 0,
        model TEXT,
        error TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX jobs_state ON jobs(state, id);
      CREATE UNIQUE INDEX jobs_one_open ON jobs(kind, photo_id) WHERE state IN ('queued','running');
      CREATE INDEX jobs_photo ON jobs(photo_id, kind);

      -- Tags a person removed from a photo: the AI must not add them back on a re-run.
      CREATE TABLE photo_tag_blocks (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (photo_id, tag_id)
      );

      -- What XMP/IPTC metadata (embedded or sidecar) was last imported as xmp-source captions/tags.
      CREATE TABLE xmp_imports (
        photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        imported_at TEXT NOT NULL
      );

      CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        settings_json TEXT NOT NULL DEFAULT '{}',
        head_id INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('system','user','assistant')),
        content_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX messages_parent ON messages(conversation_id, parent_id);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      );
      CREATE TABLE models (
        repo TEXT NOT NULL,
        revision TEXT NOT NULL,
        dtype TEXT NOT NULL,
        path TEXT NOT NULL,
        state TEXT NOT NULL,
        bytes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (repo, revision, dtype)
      );

      -- ── Places (issue 11) ──────────────────────────────────────────────────────────────────
      -- Where a photo was taken: reverse-geocoded from its GPS (source 'gps', redone when the
      -- gazetteer's data_version changes or the GPS does) or chosen by a person (source 'user', which
      -- wins and survives rescans). lat/lon: the coordinates the place stands for (the photo's GPS,
      -- or the chosen city's). A GPS photo at sea keeps a row with no names, so it is not redone.
      -- search_text feeds photo_text.place (city, region, country in English and Chinese, code).
      CREATE TABLE photo_places (
        photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        source TEXT NOT NULL CHECK (source IN ('gps','user')),
        lat REAL NOT NULL,
        lon REAL NOT NULL,
        city TEXT,
        region TEXT,
        country_code TEXT,
        search_text TEXT NOT NULL DEFAULT '',
        data_version TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- Places view (country → region → city counts) and place filters, from the index alone.
      CREATE INDEX photo_places_where ON photo_places(country_code, region, city, photo_id);
      -- "near": a latitude band first, then the exact distance.
      CREATE INDEX photo_places_lat ON photo_places(lat, lon, photo_id);

      -- Remote engines: which backend (local | openai) and endpoint wrote an ai caption.
      ALTER TABLE captions ADD COLUMN backend TEXT;
      ALTER TABLE captions ADD COLUMN endpoint TEXT;
    `);

    // ── Metadata as ExifTool reads it, ratings and favourites (issue 10, items 5–6) ──────────────
    // GPS altitude; the effective rating / favourite / label of each photo, kept by
    // main/db/ratings.ts from photo_ratings with the one source priority (user > xmp).
    db.exec(`
      ALTER TABLE photos ADD COLUMN altitude REAL;
      ALTER TABLE photos ADD COLUMN rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5);
      ALTER TABLE photos ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0 CHECK (favourite IN (0, 1));
      ALTER TABLE photos ADD COLUMN label TEXT;
      CREATE INDEX photos_rating ON photos(rating, sort_date DESC, id DESC) WHERE rating > 0;
      CREATE INDEX photos_favourite ON photos(sort_date DESC, id DESC) WHERE favourite = 1;

      -- Each source's say: 'xmp' is what the file carries (rewritten on every read), 'user' a person's
      -- choice (never touched by scans). NULL = this source says nothing about that field.
      CREATE TABLE photo_ratings (
        photo_id INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        source TEXT NOT NULL CHECK (source IN ('xmp','user')),
        stars INTEGER CHECK (stars BETWEEN 0 AND 5),
        favourite INTEGER CHECK (favourite IN (0, 1)),
        label TEXT,
        pick TEXT CHECK (pick IN ('rejected','pending','accepted')),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (photo_id, source)
      );
    `);

    // --- Videos (issue 12 "Videos in the library") -------------------------------------------------
    // A video is a photos row (one timeline, one search, albums, captions, tags, jobs) whose format
    // is a video container; what only videos have lives here. The keyframes a caption was made from
    // are provenance, kept beside the caption's model and prompt.
    db.exec(`
      CREATE TABLE videos (
        photo_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        duration_ms INTEGER,
        rotation INTEGER NOT NULL DEFAULT 0,
        codec TEXT,
        audio_codec TEXT,
        fps REAL,
        -- Apple's content identifier, shared by a Live Photo's still and its motion clip.
        content_id TEXT,
        poster_ms INTEGER,
        -- JSON [ms, ...]: the frames of the stored AI caption (provenance), null until captioned.
        caption_frames_json TEXT,
        -- Live Photo: the still (same folder, same base name, same content id when both have one)
        -- this clip is the motion of. The clip then stays out of the timeline; the still stands for both.
        live_still_id INTEGER REFERENCES photos(id) ON DELETE SET NULL
      );
      CREATE INDEX videos_duration ON videos(duration_ms);
      CREATE UNIQUE INDEX videos_live_still ON videos(live_still_id) WHERE live_still_id IS NOT NULL;
    `);

    // --- RAW+JPEG pairs (issue 10, main/media/raw-pairs.ts): a RAW and a JPEG/HEIC with the same base
    // name in the same folder are one photo. The JPEG is the item (shown, captioned); the RAW keeps its
    // row (metadata, file) but stays out of the timeline and the AI queue.
    db.exec(`
      CREATE TABLE raw_pairs (
        raw_id INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
        jpeg_id INTEGER NOT NULL UNIQUE REFERENCES photos(id) ON DELETE CASCADE
      );
    `);

    // --- Status counters (issue 14, "a million photos"): library.status reads these rows instead of
    // counting a million photos; the triggers keep them current on every write path (cascades from a
    // removed folder included). Names: 'photos:<status>', 'month:<YYYY-MM>' (the grid's month
    // groups and the month and year auto albums), 'thumbnails', 'jobs:<kind>:<state>'; and from
    // version 2, 'tag:<tag id>'.
    db.exec(`
      CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        n INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TRIGGER photos_count_ai AFTER INSERT ON photos BEGIN
        INSERT INTO counters (name, n) VALUES ('photos:' || new.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
        INSERT INTO counters (name, n) VALUES ('month:' || substr(new.sort_date, 1, 7), 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER photos_count_ad AFTER DELETE ON photos BEGIN
        UPDATE counters SET n = n - 1 WHERE name = 'photos:' || old.status;
        UPDATE counters SET n = n - 1 WHERE name = 'month:' || substr(old.sort_date, 1, 7);
      END;
      CREATE TRIGGER photos_month_au AFTER UPDATE OF sort_date ON photos
        WHEN substr(old.sort_date, 1, 7) IS NOT substr(new.sort_date, 1, 7) BEGIN
        UPDATE counters SET n = n - 1 WHERE name = 'month:' || substr(old.sort_date, 1, 7);
        INSERT INTO counters (name, n) VALUES ('month:' || substr(new.sort_date, 1, 7), 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER photos_count_au AFTER UPDATE OF status ON photos WHEN old.status IS NOT new.status BEGIN
        UPDATE counters SET n = n - 1 WHERE name = 'photos:' || old.status;
        INSERT INTO counters (name, n) VALUES ('photos:' || new.status, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER stage_count_ai AFTER INSERT ON photo_stage WHEN new.stage = 'thumbnail' AND new.done_at IS NOT NULL BEGIN
        INSERT INTO counters (name, n) VALUES ('thumbnails', 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER stage_count_ad AFTER DELETE ON photo_stage WHEN old.stage = 'thumbnail' AND old.done_at IS NOT NULL BEGIN
        UPDATE counters SET n = n - 1 WHERE name = 'thumbnails';
      END;
      CREATE TRIGGER stage_count_au AFTER UPDATE ON photo_stage
        WHEN (old.stage = 'thumbnail' AND old.done_at IS NOT NULL) IS NOT (new.stage = 'thumbnail' AND new.done_at IS NOT NULL) BEGIN
        INSERT INTO counters (name, n) VALUES ('thumbnails', CASE WHEN new.stage = 'thumbnail' AND new.done_at IS NOT NULL THEN 1 ELSE -1 END)
          ON CONFLICT (name) DO UPDATE SET n = n + excluded.n;
      END;
      CREATE TRIGGER jobs_count_ai AFTER INSERT ON jobs BEGIN
        INSERT INTO counters (name, n) VALUES ('jobs:' || new.kind || ':' || new.state, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER jobs_count_ad AFTER DELETE ON jobs BEGIN
        UPDATE counters SET n = n - 1 WHERE name = 'jobs:' || old.kind || ':' || old.state;
      END;
      CREATE TRIGGER jobs_count_au AFTER UPDATE OF kind, state ON jobs WHEN old.kind IS NOT new.kind OR old.state IS NOT new.state BEGIN
        UPDATE counters SET n = n - 1 WHERE name = 'jobs:' || old.kind || ':' || old.state;
        INSERT INTO counters (name, n) VALUES ('jobs:' || new.kind || ':' || new.state, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
      END;
    `);
  },
  // 2: tag counters — 'tag:<tag id>', photos with the tag from any source — for the top tags' auto
  // albums (main/albums/auto-albums.ts), which grouped every tag row (seconds at a million photos);
  // a library made before them gets the counts of the tags it has.
  (db) => {
    db.exec(`
      -- A photo counts once per tag whatever the sources that gave it (ai, xmp, user): the first
      -- source's row adds it, the last one's removal takes it away.
      CREATE TRIGGER photo_tags_count_ai AFTER INSERT ON photo_tags
        WHEN NOT EXISTS (SELECT 1 FROM photo_tags o WHERE o.photo_id = new.photo_id AND o.tag_id = new.tag_id AND o.source <> new.source) BEGIN
        INSERT INTO counters (name, n) VALUES ('tag:' || new.tag_id, 1) ON CONFLICT (name) DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER photo_tags_count_ad AFTER DELETE ON photo_tags
        WHEN NOT EXISTS (SELECT 1 FROM photo_tags o WHERE o.photo_id = old.photo_id AND o.tag_id = old.tag_id) BEGIN
        UPDATE counters SET n = n - 1 WHERE name = 'tag:' || old.tag_id;
      END;
      CREATE TRIGGER photo_tags_count_au AFTER UPDATE OF photo_id, tag_id ON photo_tags
        WHEN old.photo_id IS NOT new.photo_id OR old.tag_id IS NOT new.tag_id BEGIN
        UPDATE counters SET n = n - 1 WHERE name = 'tag:' || old.tag_id
          AND NOT EXISTS (SELECT 1 FROM photo_tags o WHERE o.photo_id = old.photo_id AND o.tag_id = old.tag_id);
        INSERT INTO counters (name, n) SELECT 'tag:' || new.tag_id, 1
          WHERE NOT EXISTS (SELECT 1 FROM photo_tags o WHERE o.photo_id = new.photo_id AND o.tag_id = new.tag_id AND o.source <> new.source)
          ON CONFLICT (name) DO UPDATE SET n = n + 1;
      END;
      -- The tags a library already has.
      INSERT INTO counters (name, n) SELECT 'tag:' || tag_id, count(DISTINCT photo_id) FROM photo_tags WHERE true GROUP BY tag_id
        ON CONFLICT (name) DO UPDATE SET n = excluded.n;
    `);
  },
];

export const SCHEMA_VERSION = migrations.length;
