// Every CLI command, by area. Each area adds its commands here.
import type { CliCommand } from '../types';

export const commands: CliCommand[] = [];
