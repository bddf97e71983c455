// Package browsertest opens the lesson notebooks the way a learner does — in a real browser
// (Debian's Chromium, headless) on a Jupyter server on 127.0.0.1, in the classic Notebook 6.4
// or in JupyterLab 3.6.8 — and reports what the page shows: how many figures really rendered,
// whether the math was typeset, and, after running all cells from the page, error outputs,
// GoNB's hidden panics and cells that never ran. It takes full-page screenshots.
//
// Notebooks are opened as stored and never trusted: the server's notary database starts empty,
// as on a learner's machine, so stored outputs get the frontend's untrusted treatment (its
// sanitizer drops an SVG inside HTML; an image/png beside image/svg+xml shows).
//
// Notebooks are opened where they are: the lessons' first cell finds the module at
// $GONB_DIR/.., so they must stay in notebooks/. Nothing is saved: autosave is switched off in
// the page before anything runs, the page is never saved (the tests check the files are
// unchanged), and the server keeps its checkpoints in its throw-away folder.
//
// Main entry points: Start opens a Session (a Jupyter server of a Frontend and a headless
// Chromium); Session.View opens a stored notebook, Session.Run runs all its cells, and
// Session.ViewThenRun does both; Page.Problems lists what a learner would see go wrong and
// Page.SaveScreenshot keeps the page as a PNG. The tests in this package are the browser test of
// `make test`.
package browsertest
