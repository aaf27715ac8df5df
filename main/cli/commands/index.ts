// Every CLI command, by area. Each area adds its commands here.
import type { CliCommand } from '../types';
import { libraryCommands } from './library';
import { serveCommand } from './serve';
import { aiCommand, editCommand } from './ai';
import { albumsCommand, duplicatesCommand } from './albums';
import { exportCommand } from './export';
import { modelsCommand } from './models';
import { engineCommands } from './engine';
import { placesCommand } from './places';

export const commands: CliCommand[] = [
  ...libraryCommands,
  serveCommand,
  aiCommand, editCommand, albumsCommand, duplicatesCommand, exportCommand, placesCommand,
  modelsCommand,
  ...engineCommands,
];
