// Runs once before the suite. Areas add what must be prepared once (e.g. the forged tiny model).
import { prepareTinyModel } from './models';

export default async function setup(): Promise<void> {
  // Forge the tiny model up front so parallel test files find it cached (tinyModelDir() also forges on demand).
  await prepareTinyModel();
}
