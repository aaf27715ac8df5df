// Electron entry (built to out/main/app.js). Wires the plain-Node core — context, service, events — to
// the desktop: one secure window, the smolalbum:// protocol, IPC generated from the contract, the
// inference process in a utility process, menu, dialogs, logs. Everything with logic worth testing
// lives in the electron-free modules beside this one.
import { app, BrowserWindow, dialog, ipcMain, Menu, session } from 'electron';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createContext, type AppContext } from '../service/context';
import { safeStorageCodec } from './secret-codec';
import { startLibraryServices } from '../service/launch';
import { createService } from '../service/index';
import { invoke } from '../service/invoke';
import { useNativeBinding } from '../db/connection';
import { resolveMedia } from '../library/media';
import { PICK_FOLDERS_CHANNEL, OPEN_FILES_CHANNEL } from '../../preload/channels';
import { createLogger, type Logger } from '../service/log';
import { registerAppScheme, installSessionPolicy } from './protocol';
import { mediaRoots } from './protocol-handler';
import { forwardEvents, guarded, registerMethodHandlers } from './ipc-handlers';
import { createMainWindow, builtPath } from './window';
import { buildMenu } from './menu';
import { electronEngineFactory } from './engine';
import { electronSqliteBinding } from './native-binding';
import { routeUrl } from './security';
import { APP_NAME } from '../../shared/constants';

app.setName(APP_NAME);
// A test or a portable install may point the whole data folder elsewhere (database, models, logs).
if (process.env.SMOLALBUM_DATA_DIR) app.setPath('userData', path.resolve(process.env.SMOLALBUM_DATA_DIR));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  start();
}

/** Image paths given on the command line (a file manager's "Open with SmolAlbum"). */
function filesFromArgv(argv: readonly string[], cwd: string): string[] {
  return argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('-') && a !== '.')
    .map((a) => path.resolve(cwd, a)).filter((f) => existsSync(f));
}

function start(): void {
  const userData = app.getPath('userData');
  const log = createLogger({ dir: path.join(userData, 'logs'), echo: !app.isPackaged });
  log.info(`SmolAlbum ${app.getVersion()} starting (Electron ${process.versions.electron}, ${process.platform}-${process.arch})`);

  let ctx: AppContext | null = null;
  let win: BrowserWindow | null = null;
  // Files handed over before the window is ready (macOS open-file at launch, argv).
  let pendingFiles: string[] = filesFromArgv(process.argv, process.cwd());

  const sendFiles = (paths: string[]) => {
    if (!paths.length) return;
    if (win && !win.webContents.isLoading()) win.webContents.send(OPEN_FILES_CHANNEL, paths);
    else pendingFiles.push(...paths);
  };

  app.on('second-instance', (_e, argv, cwd) => {
    if (win) { if (win.isMinimized()) win.restore(); win.focus(); }
    sendFiles(filesFromArgv(argv, cwd));
  });
  app.on('open-file', (event, file) => { event.preventDefault(); sendFiles([file]); });

  // Belt and braces for any web contents (devtools included): no webviews, no new windows.
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  const fail = (err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    log.error(`startup failed: ${msg}`);
    dialog.showErrorBox('SmolAlbum could not start', `${msg}\n\nLog: ${log.file}`);
    app.exit(1);
  };

  app.whenReady().then(() => {
    // better-sqlite3 is built per ABI: Electron loads its own copy (scripts/electron-abi.mjs), unless
    // SMOLALBUM_SQLITE_BINDING names another build of the addon.
    useNativeBinding(process.env.SMOLALBUM_SQLITE_BINDING
      ? path.resolve(process.env.SMOLALBUM_SQLITE_BINDING)
      : electronSqliteBinding(createRequire(import.meta.url).resolve('better-sqlite3/package.json')));
    const context = createContext({ dataDir: userData, engineFactory: electronEngineFactory(log), secretCodec: safeStorageCodec(), log, searchThread: true });
    ctx = context;
    const service = createService(context);
    // Startup scan, live watching and background captioning, as in web mode.
    const services = startLibraryServices(context, { scan: true, ai: true, log: (m) => log.info(m) });
    context.onClose(() => services.close());

    installSessionPolicy(session.defaultSession, {
      rendererDir: builtPath('../renderer'),
      resolveMedia: (kind, id, preview) => resolveMedia(context, kind, id, preview),
      allowedRoots: () => mediaRoots(context),
      log: (m) => log.warn(m),
    });
    registerMethodHandlers(ipcMain, service, (m) => log.warn(m));
    ipcMain.handle(PICK_FOLDERS_CHANNEL, guarded(() => pickFolders(win), (m) => log.warn(m)));
    forwardEvents(context.events, (channel, name, payload) => {
      if (win && !win.isDestroyed()) win.webContents.send(channel, name, payload);
    });
    context.events.on('engine.status', (s) => { if (s.state === 'crashed' || s.lastError) log.warn(`engine: ${s.state} ${s.lastError ?? ''}`); });

    Menu.setApplicationMenu(buildMenu({
      window: () => win,
      addFolders: async () => {
        for (const folder of await pickFolders(win)) {
          try { await invoke(service, 'roots.add', { path: folder }); } catch (err) { dialog.showErrorBox('Could not add the folder', (err as Error).message); }
        }
        void win?.loadURL(routeUrl('library'));
      },
    }));

    const open = () => {
      win = createMainWindow({ preloadPath: builtPath('../preload/index.cjs'), stateFile: path.join(userData, 'window-state.json'), log });
      win.webContents.on('did-finish-load', () => { const files = pendingFiles; pendingFiles = []; sendFiles(files); });
      win.on('closed', () => { win = null; });
    };
    open();
    app.on('activate', () => { if (!win) open(); });
  }).catch(fail);

  app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });

  // Close the library (engine process, watchers, database) before exiting; quit resumes afterwards.
  let closing = false;
  app.on('before-quit', (event) => {
    if (!ctx || closing) return;
    event.preventDefault();
    closing = true;
    const context = ctx;
    ctx = null;
    void shutdown(context, log).finally(() => app.quit());
  });
}

async function pickFolders(win: BrowserWindow | null): Promise<string[]> {
  const options = { title: 'Add photo folders', properties: ['openDirectory', 'multiSelections'] as ('openDirectory' | 'multiSelections')[] };
  const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return r.canceled ? [] : r.filePaths;
}

async function shutdown(ctx: AppContext, log: Logger): Promise<void> {
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
  try {
    await Promise.race([ctx.close(), timeout]);
    log.info('closed');
  } catch (err) {
    log.error(`shutdown: ${(err as Error).message}`);
  }
}
