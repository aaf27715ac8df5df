// Lint keeps the process boundaries of DESIGN §1:
//  shared/   imports nothing from Node, Electron or the DOM (pure contract)
//  main/     only main/app/ may import electron
//  renderer/ never imports main/ (nor Node or Electron)
//  preload/  electron + shared only
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const restrict = (paths, patterns) => ['error', { paths: paths.map((name) => ({ name, message: 'crosses a process boundary (DESIGN §1)' })), patterns }];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test/artifacts/**', '.cache/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(['electron', 'react', ...nodeBuiltins], [
        { group: ['**/main/**', '**/renderer/**', '**/preload/**', 'electron/*'], message: 'shared/ is the pure contract' },
      ]),
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/app/**'],
    rules: {
      'no-restricted-imports': restrict(['electron'], [
        { group: ['electron/*', '**/renderer/**', '**/preload/**', '**/main/app/**', '../app/*', '../../app/*'], message: 'only main/app/ imports electron' },
      ]),
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': restrict(['electron', ...nodeBuiltins], [
        { group: ['**/main/**', '**/preload/**', 'electron/*'], message: 'the renderer talks to main only through the API client' },
      ]),
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(nodeBuiltins, [
        { group: ['**/main/**', '**/renderer/**'], message: 'the preload exposes the contract, nothing else' },
      ]),
    },
  },
);
