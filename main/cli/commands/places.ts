// `places [--json]`: country → region → city with photo counts (issue 11).
import type { CliCommand } from '../types';
import { invoke } from '../../service/invoke';
import { countryName } from '../../../shared/country-names';
import type { PlaceCount } from '../../../shared/types';

interface CountryNode { countryCode: string; country: string; countryZh: string; count: number; regions: RegionNode[] }
interface RegionNode { region: string | null; count: number; cities: { city: string | null; count: number }[] }

/** The flat (country, region, city) counts as a tree, biggest first at each level. */
export function placeTreeNodes(rows: PlaceCount[]): CountryNode[] {
  const countries = new Map<string, CountryNode>();
  for (const r of rows) {
    const code = r.countryCode!;
    let c = countries.get(code);
    if (!c) { c = { countryCode: code, country: countryName(code, 'en'), countryZh: countryName(code, 'zh-CN'), count: 0, regions: [] }; countries.set(code, c); }
    c.count += r.count;
    let reg = c.regions.find((x) => x.region === r.region);
    if (!reg) { reg = { region: r.region, count: 0, cities: [] }; c.regions.push(reg); }
    reg.count += r.count;
    reg.cities.push({ city: r.city, count: r.count });
  }
  const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
  const out = [...countries.values()].sort(byCount);
  for (const c of out) {
    c.regions.sort(byCount);
    for (const r of c.regions) r.cities.sort(byCount);
  }
  return out;
}

export const placesCommand: CliCommand = {
  name: 'places',
  summary: 'Where your photos were taken: countries, regions and cities with photo counts',
  usage: 'places',
  async run(_args, io) {
    const tree = placeTreeNodes(await invoke(io.service(), 'places.tree', {}) as PlaceCount[]);
    if (io.json) { io.printJson(tree); return 0; }
    if (!tree.length) { io.print('No places yet: no photo has GPS or a place set by hand.'); return 0; }
    for (const c of tree) {
      io.print(`${c.country} (${c.countryCode})  ${c.count}`);
      for (const r of c.regions) {
        io.print(`  ${r.region ?? '(no region)'}  ${r.count}`);
        for (const city of r.cities) io.print(`    ${city.city ?? '(no city nearby)'}  ${city.count}`);
      }
    }
    return 0;
  },
};
