// Package lesson holds what every lesson shares: the quick-mode switch, result tables that print
// as text in a terminal and as HTML in a notebook, and output helpers that work in both.
//
// Main entry points:
//
//   - Quick and Pick: `steps := lesson.Pick(500, 20)` is 20 in quick mode (DLLESSONS_QUICK=1).
//   - Must, Must2 and Check keep error plumbing out of notebook cells:
//     `net := lesson.Must(hopfield.NewNet(b, X, 2))`.
//   - Table: results as aligned text (String) or an HTML table (Show in a notebook).
//   - ProgressReporter: a progress line for long runs, in a terminal, a log or a notebook.
//   - RunDir: the folder of one notebook kernel's runs; WriteJSON and ReadJSON for result files.
//   - CurrentVersions: the Go, GoMLX and GoNB versions compiled into a cell.
package lesson
