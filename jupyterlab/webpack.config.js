// Builds the JupyterLab 3.6.8 frontend into build/: bundle.js, plus the settings schemas and
// themes of the extensions listed in package.json (Build.ensureAssets copies those).
// scripts/jupyterlab-setup.sh runs it; dllessons_lab.py serves the result.
const path = require('path');
const webpack = require('webpack');
const { Build } = require('@jupyterlab/builder');
const pkg = require('./package.json');

const buildDir = path.join(__dirname, 'build');

const assets = Build.ensureAssets({
  packageNames: pkg.jupyterlab.extensions,
  output: buildDir,
  hashFunction: 'sha256' // webpack's default md4 is missing from OpenSSL 3
});

// Fonts and images referenced from CSS are inlined below this size.
const inlineLimit = 10000;

const app = {
  entry: ['whatwg-fetch', './index.js'],
  output: { path: buildDir, filename: 'bundle.js', hashFunction: 'sha256' },
  bail: true,
  mode: 'development', // no minifier pass: a 13-19 s build instead of minutes on 2 cores
  devtool: false,
  performance: { hints: false },
  module: {
    rules: [
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.html$/, use: 'file-loader' },
      { test: /\.md$/, use: 'raw-loader' },
      { test: /\.(jpg|png|gif)$/, use: 'file-loader' },
      { test: /\.js\.map$/, use: 'file-loader' },
      {
        test: /\.(woff2?|ttf)(\?v=\d+\.\d+\.\d+)?$/,
        use: { loader: 'url-loader', options: { limit: inlineLimit } }
      },
      { test: /\.eot(\?v=\d+\.\d+\.\d+)?$/, use: 'file-loader' },
      {
        // Icons used by CSS become data URIs ...
        test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
        issuer: /\.css$/,
        use: { loader: 'svg-url-loader', options: { encoding: 'none', limit: inlineLimit } }
      },
      {
        // ... icons used by code are imported as SVG text.
        test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
        issuer: /\.js$/,
        use: 'raw-loader'
      }
    ]
  },
  plugins: [
    new webpack.DefinePlugin({
      // Blueprint and the path polyfill read these Node globals.
      'process.env': '{}',
      process: { cwd: () => '/' }
    })
  ]
};

module.exports = [app].concat(assets);
