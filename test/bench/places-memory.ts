// Child process of the places benchmark (test/bench/places.ts): memory the geocoder holds once loaded
// from the packed cache and used for 10,000 lookups, measured in a fresh process with --expose-gc so
// nothing else (the benchmark's own build of the data) is counted. Prints one JSON line.
import { Geocoder } from '../../main/places/geocoder';
import { loadPlacesData } from '../../main/places/places-data';

const gc = (globalThis as { gc?: () => void }).gc;
const held = () => { gc?.(); gc?.(); const m = process.memoryUsage(); return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss }; };
const before = held();
const t = performance.now();
const geo = new Geocoder(loadPlacesData(process.argv[2]!));
geo.reverse(35.0116, 135.7681);
const firstLookupMs = performance.now() - t;
for (let i = 0; i < 10_000; i++) geo.reverse(-60 + Math.random() * 130, -180 + Math.random() * 360);
const after = held();
process.stdout.write(`${JSON.stringify({ firstLookupMs: +firstLookupMs.toFixed(1), heapAndBuffersMB: +((after.heap - before.heap) / 1048576).toFixed(1), rssMB: +((after.rss - before.rss) / 1048576).toFixed(1), gc: !!gc })}\n`);
