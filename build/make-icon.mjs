// Renders build/icon.svg to build/icon.png (512×512; electron-builder derives .ico/.icns from it).
// Run after editing the SVG: node build/make-icon.mjs — the PNG is committed so packaging needs no step.
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
await sharp(here('./icon.svg'), { density: 144 }).resize(512, 512).png({ compressionLevel: 9, palette: true }).toFile(here('./icon.png'));
console.log('build/icon.png written');
