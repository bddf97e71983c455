// The JupyterLab 3.6.8 application: the extensions listed in package.json, started on the page
// that dllessons_lab.py serves (templates/index.html holds its page config).
import { PageConfig } from '@jupyterlab/coreutils';

// Chunks and assets load from the server's static URL; set before any CSS is imported.
// eslint-disable-next-line no-undef
__webpack_public_path__ = PageConfig.getOption('fullStaticUrl') + '/';

// build/style.js is written by Build.ensureAssets: the CSS of every listed extension.
const styles = import('./build/style.js');

// Must match "jupyterlab.extensions" in package.json (which lets the build copy their schemas).
const plugins = [
  import('@jupyterlab/application-extension'),
  import('@jupyterlab/apputils-extension'),
  import('@jupyterlab/celltags-extension'),
  import('@jupyterlab/codemirror-extension'),
  import('@jupyterlab/completer-extension'),
  import('@jupyterlab/console-extension'),
  import('@jupyterlab/csvviewer-extension'),
  import('@jupyterlab/docmanager-extension'),
  import('@jupyterlab/filebrowser-extension'),
  import('@jupyterlab/fileeditor-extension'),
  import('@jupyterlab/help-extension'),
  import('@jupyterlab/imageviewer-extension'),
  import('@jupyterlab/inspector-extension'),
  import('@jupyterlab/launcher-extension'),
  import('@jupyterlab/mainmenu-extension'),
  import('@jupyterlab/markdownviewer-extension'),
  import('@jupyterlab/mathjax2-extension'),
  import('@jupyterlab/notebook-extension'),
  import('@jupyterlab/rendermime-extension'),
  import('@jupyterlab/running-extension'),
  import('@jupyterlab/settingeditor-extension'),
  import('@jupyterlab/shortcuts-extension'),
  import('@jupyterlab/statusbar-extension'),
  import('@jupyterlab/theme-dark-extension'),
  import('@jupyterlab/theme-light-extension'),
  import('@jupyterlab/toc-extension'),
  import('@jupyterlab/tooltip-extension'),
  import('@jupyterlab/translation-extension'),
  import('@jupyterlab/ui-components-extension')
];

// Renderers for extra MIME types in outputs and files.
const mimePlugins = [
  import('@jupyterlab/json-extension'),
  import('@jupyterlab/pdf-extension')
];

window.addEventListener('load', async () => {
  await styles;
  const { JupyterLab } = await import('@jupyterlab/application');
  const lab = new JupyterLab({ mimeExtensions: await Promise.all(mimePlugins) });
  lab.registerPluginModules(await Promise.all(plugins));
  await lab.start();
  await lab.restored;
  // The browser test drives the page through this object (JupyterLab's galata does the same).
  window.jupyterapp = lab;
});
