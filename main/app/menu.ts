// The application menu: the renderer's views as keyboard-reachable items (navigating the hash router),
// folder and image pickers, and the standard edit/view/window roles. Single-key shortcuts (`/`, `?`,
// arrows) stay in the renderer; the menu holds the modifier ones so they also work from the menu bar.
import { Menu, dialog, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { routeUrl, type AppRoute } from './security';
import { OPEN_FILES_CHANNEL } from '../../preload/channels';
import { IMAGE_EXTENSIONS } from '../../shared/media';

/** Views reachable from the menu, with their accelerators (listed in the renderer's help overlay). */
export const MENU_ROUTES: readonly { route: AppRoute; label: string; accelerator: string }[] = [
  { route: 'library', label: 'Library', accelerator: 'CmdOrCtrl+1' },
  { route: 'albums', label: 'Albums', accelerator: 'CmdOrCtrl+2' },
  { route: 'chat', label: 'Chat', accelerator: 'CmdOrCtrl+3' },
  { route: 'caption', label: 'Caption Images', accelerator: 'CmdOrCtrl+4' },
  { route: 'search', label: 'Search', accelerator: 'CmdOrCtrl+F' },
  { route: 'settings', label: 'Settings', accelerator: 'CmdOrCtrl+,' },
];


export interface MenuActions {
  window(): BrowserWindow | null;
  /** Native folder picker, then roots.add for each chosen folder. */
  addFolders(): Promise<void>;
}

export function buildMenu(actions: MenuActions): Menu {
  const go = (route: AppRoute) => () => { void actions.window()?.loadURL(routeUrl(route)); };
  const isMac = process.platform === 'darwin';
  const captionFiles = async () => {
    const win = actions.window();
    if (!win) return;
    const r = await dialog.showOpenDialog(win, {
      title: 'Caption images',
      properties: ['openFile', 'multiSelections'],
      filters: [{ name: 'Images', extensions: [...IMAGE_EXTENSIONS] }], // the filter only; content decides
    });
    if (!r.canceled && r.filePaths.length) win.webContents.send(OPEN_FILES_CHANNEL, r.filePaths);
  };
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Add Folder…', accelerator: 'CmdOrCtrl+O', click: () => void actions.addFolders() },
        { label: 'Caption Images…', accelerator: 'CmdOrCtrl+Shift+O', click: () => void captionFiles() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...MENU_ROUTES.map((r): MenuItemConstructorOptions => ({ label: r.label, accelerator: r.accelerator, click: go(r.route) })),
        { type: 'separator' },
        { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        { role: 'toggleDevTools' },
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
