// Package backend picks the GoMLX compute backend for every lesson, command, test and benchmark,
// so that all of them run with the same (fastest measured) settings.
//
// The pure-Go backend is the default: it needs nothing installed. XLA is used only when asked for
// (DLLESSONS_BACKEND=xla or the CLI flag --backend=xla) and its PJRT plugin is already installed:
// this package never lets GoMLX download a plugin.
//
// Main entry points: Default (the backend the environment asks for; MustDefault in notebook
// cells), New (a backend by name, for the CLI's --backend flag), Resolve (the configuration string
// a choice stands for) and Describe (one line naming the backend, for logs and lessons).
package backend
