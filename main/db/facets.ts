// Facets: properties smart-album rules filter on (orientation, a location), written as words into the
// full-text index's `facets` column. A rule that FTS5 drives (main/albums/rule-sql.ts) then answers
// them inside the index instead of reading each match's photos row: at a million photos a "words,
// camera, landscape" album counted ~14,000 rows in random order for 50 ms to reach its cap.
// General searches never see the column (fts-query.ts TEXT_COLUMNS).

export const FACETS = ['landscape', 'portrait', 'gps'] as const;
export type Facet = typeof FACETS[number];

/** SQL: the facets of photos row `p` (width/height are the displayed size; lat and lon come together). */
export const facetsSql = (p: string): string => `trim(CASE WHEN ${p}.width > ${p}.height THEN 'landscape'
  WHEN ${p}.height > ${p}.width THEN 'portrait' ELSE '' END || CASE WHEN ${p}.lat IS NOT NULL THEN ' gps' ELSE '' END)`;

/** FTS5: photos with the facet. */
export const facetTerm = (facet: Facet): string => `(facets : "${facet}")`;
